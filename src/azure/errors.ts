// SDK and network errors to one shape: ARM's own code and message when it sent one, and what to do about it.
import {isUntrustedCertificate, OperationError, privateCaHint} from '../domain/errors.js'

function adviceFor(status: number | null, code: string): string | undefined {
  if (isUntrustedCertificate(code)) return privateCaHint(false)
  if (status === 401 || /^(AuthenticationFailed|InvalidAuthenticationToken|ExpiredAuthenticationToken)/.test(code)) {
    return 'sign in again with `az login`, or set GEO_REDIS_ACCESS_TOKEN to a fresh ARM token (`az account get-access-token --query accessToken -o tsv`)'
  }

  if (status === 403) return 'ask for the Reader role (or Redis Enterprise Contributor for force-unlink) on that subscription or resource group'
  if (status === 429) return 'ARM is throttling this identity: wait as long as it asked, or lower --concurrency'
  if (code === 'Timeout' || NO_CONNECTION[code] || (status !== null && status >= 500)) return 'ARM or the region did not answer: try again, or check the Azure status page for the region'
  return undefined
}

// what Node says when no HTTP answer came, in plain words (the code stays, for the read cause)
const NO_CONNECTION: Record<string, string> = {
  ECONNREFUSED: 'ARM refused the connection',
  ECONNRESET: 'the connection to ARM was lost',
  EPIPE: 'the connection to ARM was lost',
  ETIMEDOUT: 'ARM could not be reached',
  ENETUNREACH: 'ARM could not be reached (network unreachable)',
  EHOSTUNREACH: 'ARM could not be reached (host unreachable)',
  ENOTFOUND: 'ARM\'s host name did not resolve',
  EAI_AGAIN: 'ARM\'s host name did not resolve (DNS did not answer)',
}

export class ArmError extends OperationError {
  constructor(
    code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message, adviceFor(status, code), code)
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

  // a request geo-redis itself stopped (Ctrl-C, a deadline); ARM's own silence is a Timeout (azure/watch.ts)
  if (e.name === 'AbortError' && !e.statusCode) return new ArmError('Aborted', 'geo-redis stopped waiting for ARM', null)
  if (code && NO_CONNECTION[code] && !e.statusCode) return new ArmError(code, `${NO_CONNECTION[code]} (${code})`, null)
  if (/^socket hang up$/i.test(message) && !e.statusCode) return new ArmError('ECONNRESET', `${NO_CONNECTION.ECONNRESET} (socket hang up)`, null)
  return new ArmError(code ?? (e.statusCode ? `Http${e.statusCode}` : 'RequestFailed'), message.split('\n')[0], e.statusCode ?? null)
}
