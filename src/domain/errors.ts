// Errors that carry their exit code and a "try this" line; the BaseCommand maps them, deep code never exits.

export const ExitCode = {
  ok: 0,
  partial: 1,
  usage: 2,
  interrupted: 130,
} as const

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
