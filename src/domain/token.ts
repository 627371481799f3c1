// Reading a JWT's claims without verifying it: to name who acted (evidence) or which principal a token is for
// (Redis AUTH user). Never for trust: ARM and Redis verify the token themselves.

export function tokenClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return null
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** A string claim, or null when absent, empty or not a string. */
export function stringClaim(token: string, name: string): string | null {
  const value = tokenClaims(token)?.[name]
  return typeof value === 'string' && value !== '' ? value : null
}
