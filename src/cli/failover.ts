// The failover formats of `endpoints export`: their flags (one meaning for every library), checked before any
// request, and the run that reads the group, builds the one model and renders it.
import {Flags} from '@oclif/core'
import {UsageError} from '../domain/errors.js'
import {CLIENT_AUTHS} from '../domain/failover/model.js'
import {failoverOptions, type FailoverOptions} from '../domain/failover/options.js'
import type {GroupSelection} from '../domain/resolve.js'
import {readExitCode} from '../domain/outcome.js'
import {isFailoverFormat, renderFailover, type FailoverFormat} from '../output/failover/index.js'
import type {ProbingArm} from '../services/ports.js'
import {runFailoverExport} from '../services/failover.js'
import type {BaseCommand, CommandOutcome} from './base.js'
import {warnUnread} from './flags.js'

const helpGroup = 'FAILOVER'
const ms = (description: string) => Flags.integer({description, helpGroup, helpValue: '<ms>'})

export const failoverFlags = {
  prefer: Flags.string({description: 'regions in order of preference, most preferred first: weights follow it (westeurope,northeurope)', helpGroup, helpValue: '<region,…>'}),
  near: Flags.string({description: 'weights by distance from this Azure region, nearest first', helpGroup, helpValue: '<region>'}),
  'client-auth': Flags.string({description: 'how the application authenticates: access keys from env variables (default), secret-store names, or entra (audience https://redis.azure.com)', options: CLIENT_AUTHS, helpGroup}),
  'health-url': Flags.string({description: 'lag-aware health check against this geo-redis serve REST endpoint (https://host:port); default PING', helpGroup, helpValue: '<url>'}),
  'lag-tolerance-ms': ms('lag-aware check: the replication lag a healthy member may have (default: the library\'s)'),
  'failure-window-ms': ms('circuit breaker: how far back failures count (default: the library\'s)'),
  'failure-rate': Flags.integer({description: 'circuit breaker: percent of failed commands in the window that opens it, 1-100 (default: the library\'s)', helpGroup, helpValue: '<percent>'}),
  'failback-interval-ms': ms('how often to check that a preferred member is back, to fail back (default: the library\'s)'),
  'grace-period-ms': ms('how long a member whose circuit opened stays out (default: the library\'s)'),
  'only-readable': Flags.boolean({description: 'leave out members ARM cannot read (default: kept, with a comment saying why)', helpGroup}),
}

type FailoverFlagInput = {[K in keyof typeof failoverFlags]?: string | number | boolean} & {'include-keys'?: boolean}

/** The failover options of a failover format; null for the other formats, which take none of these flags. */
export function failoverOptionsOf(flags: FailoverFlagInput, format: string): FailoverOptions | null {
  const given = (Object.keys(failoverFlags) as (keyof typeof failoverFlags)[]).filter((name) => flags[name] !== undefined && flags[name] !== false)
  if (!isFailoverFormat(format)) {
    if (given.length > 0) throw new UsageError(`--${given[0]} applies only to the failover formats`, 'pass --format failover-json, redis-py, jedis, lettuce, go-redis or stackexchange, or drop it')
    return null
  }
  const num = (name: keyof typeof failoverFlags) => (flags[name] === undefined ? null : Number(flags[name]))
  return failoverOptions({
    prefer: flags.prefer as string | undefined,
    near: flags.near as string | undefined,
    auth: flags['client-auth'] as string | undefined,
    healthUrl: flags['health-url'] as string | undefined,
    lagToleranceMs: flags['lag-tolerance-ms'] as number | undefined,
    policy: {failureWindowMs: num('failure-window-ms'), failureRatePct: num('failure-rate'), failbackIntervalMs: num('failback-interval-ms'), gracePeriodMs: num('grace-period-ms')},
    onlyReadable: flags['only-readable'] === true,
    includeKeys: flags['include-keys'] === true,
  })
}

/** Reads the group, builds the model and renders it; exit 1 when a member could not be read, as every export. */
export async function failoverExport(
  command: BaseCommand,
  arm: ProbingArm,
  scope: {subscriptions: string[]; selection: GroupSelection},
  options: FailoverOptions,
  format: FailoverFormat,
): Promise<CommandOutcome> {
  const {model, group, errors} = await runFailoverExport(arm, {...scope, failover: options})
  warnUnread(command, errors, group.unreadable, options.onlyReadable ? 'left out (--only-readable)' : "kept with a comment; its port and TLS are Azure's defaults")
  return {data: model, exitCode: readExitCode(group.unresolved), human: () => renderFailover(model, format), withSecrets: options.includeKeys, wrap: false}
}
