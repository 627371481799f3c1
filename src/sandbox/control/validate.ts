// `sandbox up`'s options, checked before anything starts (exit 2, nothing started).
import {UsageError} from '../../domain/errors.js'
import {SANDBOX} from '../emulator/scenarios.js'
import type {UpOptions} from './api.js'

/** beyond this every ARM call of a client times out anyway */
const MAX_ARM_LATENCY_MS = 60_000
const MAX_LAG_MS = 60_000

const isIntegerIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max

export function validateUpOptions(options: UpOptions): void {
  const bad = (message: string, suggestion: string) => new UsageError(message, suggestion)
  if (!options.fleet && !isIntegerIn(options.members, 2, SANDBOX.regions.length)) {
    throw bad(`--members must be between 2 and ${SANDBOX.regions.length}, got ${options.members}`, 'the sandbox has one member per region: 2 to 5')
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(options.nickname)) {
    throw bad(`--nickname "${options.nickname}" is not a valid group nickname`, 'use letters, digits and dashes, starting with a letter or digit')
  }
  if (!Number.isFinite(options.lagMs) || options.lagMs < 0 || options.lagMs > MAX_LAG_MS) {
    throw bad(`--lag-ms must be between 0 and ${MAX_LAG_MS}, got ${options.lagMs}`, 'e.g. --lag-ms 200')
  }
  validateArmFaults(options)
  if (options.port !== undefined && !isIntegerIn(options.port, 0, 65_535)) {
    throw bad(`--port must be a TCP port (0-65535), got ${options.port}`, 'omit --port to take any free port')
  }
  if (options.fleet) {
    const {clusters, subscriptions} = options.fleet
    if (!isIntegerIn(clusters, 1, 100_000)) throw bad(`--clusters must be between 1 and 100000, got ${clusters}`, 'e.g. --clusters 2000')
    if (!isIntegerIn(subscriptions, 1, 1000)) throw bad(`--subscriptions must be between 1 and 1000, got ${subscriptions}`, 'e.g. --subscriptions 20')
  }
}

function validateArmFaults(options: UpOptions): void {
  for (const [flag, rate] of [['--arm-throttle-rate', options.armThrottleRate], ['--arm-error-rate', options.armErrorRate]] as const) {
    if (rate !== undefined && (!Number.isFinite(rate) || rate < 0 || rate > 1)) throw new UsageError(`${flag} must be between 0 and 1, got ${rate}`, `e.g. ${flag} 0.05`)
  }
  if (options.armLatencyMs !== undefined && !isIntegerIn(options.armLatencyMs, 0, MAX_ARM_LATENCY_MS)) {
    throw new UsageError(`--arm-latency-ms must be between 0 and ${MAX_ARM_LATENCY_MS}, got ${options.armLatencyMs}`, 'e.g. --arm-latency-ms 50')
  }
}
