// Errors that carry their exit code and a "try this" line; the BaseCommand maps them, deep code never exits.

export const ExitCode = {
  ok: 0,
  partial: 1,
  usage: 2,
  interrupted: 130,
} as const

/** The signals a run stops on, sealing its evidence first: Ctrl-C, a hung-up terminal, a CI cancel. */
export const STOP_SIGNALS = ['SIGINT', 'SIGHUP', 'SIGTERM'] as const
export type StopSignal = (typeof STOP_SIGNALS)[number]

/** The stop signal an abort carries as its reason (the BaseCommand aborts with the signal's name), else null. */
export function stopSignalOf(signal: AbortSignal | undefined): StopSignal | null {
  const reason: unknown = signal?.aborted ? signal.reason : null
  return STOP_SIGNALS.find((s) => s === reason) ?? null
}

/** How a signal is named to the operator. */
export function signalText(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : signal === 'SIGHUP' ? 'SIGHUP (the terminal went away)' : 'SIGTERM (e.g. a cancelled CI job)'
}

export class GeoRedisError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly suggestion?: string,
    readonly code = 'GeoRedisError',
  ) {
    super(message)
    this.name = 'GeoRedisError'
  }
}

/** Bad input or a refused guard: exit 2, nothing sent. */
export class UsageError extends GeoRedisError {
  constructor(message: string, suggestion?: string, code = 'UsageError') {
    super(message, ExitCode.usage, suggestion, code)
    this.name = 'UsageError'
  }
}

/** An operation that ran and failed, or a partial result the caller must know about: exit 1. */
export class OperationError extends GeoRedisError {
  constructor(message: string, suggestion?: string, code = 'OperationFailed') {
    super(message, ExitCode.partial, suggestion, code)
    this.name = 'OperationError'
  }
}

export class InterruptedError extends GeoRedisError {
  constructor(message: string, suggestion?: string) {
    super(message, ExitCode.interrupted, suggestion, 'Interrupted')
    this.name = 'InterruptedError'
  }
}

// OpenSSL's verdicts for a chain that ends in a CA this process does not trust (a private CA, most often)
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
])

export function isUntrustedCertificate(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED_CERTIFICATE.has(code)
}

/** How to trust a private CA, for ARM (`forRedis` false) or a Redis member. */
export function privateCaHint(forRedis: boolean): string {
  const ways = 'set NODE_EXTRA_CA_CERTS=<ca.pem>, or save it in a profile (geo-redis profile set <name> --ca-path <ca.pem>)'
  return forRedis
    ? `if a private CA signed the Redis certificate, pass --ca <ca.pem> (or ${ways})`
    : `if a private CA signed ARM's certificate (a proxy that inspects TLS, a private endpoint), ${ways}; TLS verification cannot be switched off`
}
