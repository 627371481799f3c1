// Names of per-member environment variables, the same for every export that names them (env format, failover
// snippets): the member's location, with its cluster name when two members share a location. Pure.

/** "West US 2" or "westus2" → "WESTUS2": upper case, anything not alphanumeric an underscore. */
function envToken(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

/**
 * Per member, a unique variable prefix: its location; location and cluster when members share a location; and a
 * number on top when they share the cluster name too (same name in another subscription or resource group).
 */
export function envPrefixes(members: {location: string; cluster: string}[]): string[] {
  const unique = (names: string[], refine: (name: string, i: number) => string): string[] => {
    const count = new Map<string, number>()
    for (const n of names) count.set(n, (count.get(n) ?? 0) + 1)
    return names.map((n, i) => (count.get(n)! > 1 ? refine(n, i) : n))
  }
  const seen = new Map<string, number>()
  const byCluster = unique(members.map((m) => envToken(m.location)), (n, i) => `${n}_${envToken(members[i].cluster)}`)
  return unique(byCluster, (n) => {
    seen.set(n, (seen.get(n) ?? 0) + 1)
    return `${n}_${seen.get(n)}`
  })
}
