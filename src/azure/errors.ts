// SDK and network errors to one shape: ARM's own code and message when it sent one.

export class ArmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message)
    this.name = 'ArmError'
  }
}

export function toArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error
  const e = error as {code?: string; statusCode?: number; message?: string; name?: string; response?: {bodyAsText?: string}}
  let code = e.code
  let message = e.message ?? String(error)
  const text = e.response?.bodyAsText
  if (text) {
    try {
      const body = JSON.parse(text) as {error?: {code?: string; message?: string}}
      code = body.error?.code ?? code
      message = body.error?.message ?? message
    } catch {
      // not JSON: keep the SDK's message
    }
  }

  if (e.name === 'AbortError' && !e.statusCode) code = 'Timeout'
  return new ArmError(code ?? (e.statusCode ? `Http${e.statusCode}` : 'RequestFailed'), message.split('\n')[0], e.statusCode ?? null)
}
