// Flags of serve and watch, and turning them into settings: everything is checked here, before any request, and bad
// input is a usage error (exit 2). Secrets read here (the Basic credentials, the TLS key) are registered at once.
import {isIP} from 'node:net'
import {Flags} from '@oclif/core'
import {UsageError} from '../domain/errors.js'
import {FileReadError, readBoundedFileSync} from '../shared/bounded-read.js'
import {secrets} from '../shared/redact.js'
import type {Heartbeats, ListenOptions} from '../services/ports.js'
import type {WatchSettings} from '../domain/serve/status.js'
import type {GroupSource} from '../services/serve/run.js'
import {groupFiles, heartbeatPorts, keyReadingArm} from './composition.js'
import {dataPlaneFlags, dataPlaneTarget, groupFileFlag, parseDeadline} from './flags.js'
import {armFlags, resolveArmSettings, type ArmFlagValues} from './settings.js'

const WATCH = 'WATCH'

/** What serve and watch share: the groups (ARM flags, --group repeatable) and how they are watched. */
export const watchFlags = {
  ...armFlags,
  group: Flags.string({char: 'g', description: 'group nickname (repeatable); default: every group visible', multiple: true}),
  'resource-group': Flags.string({description: 'only groups with a member in this resource group'}),
  member: Flags.string({description: 'only the group with this member (cluster name, location or database id)'}),
  'interval-ms': Flags.integer({description: 'heartbeat and sampling interval', default: 250, min: 50, max: 60_000, helpGroup: WATCH}),
  'lag-tolerance-ms': Flags.integer({description: 'default availability_lag_tolerance_ms', default: 100, min: 0, max: 600_000, helpGroup: WATCH}),
  threshold: Flags.integer({description: 'force-unlink threshold, % of maxmemory (of the SKU size when maxmemory is 0): the runway runs to it', default: 85, min: 1, max: 99, helpGroup: WATCH}),
  'runway-window': Flags.custom<number>({
    description: 'memory growth is fitted over this last stretch of samples: 30s, 5m, 1h…',
    helpValue: '<duration>',
    default: parseDeadline('5m'),
    defaultHelp: async () => '5m',
    parse: async (input) => parseDeadline(input),
    helpGroup: WATCH,
  })(),
  heartbeat: Flags.boolean({description: 'write heartbeat keys to measure lag; --no-heartbeat: PING only, nothing written', default: true, allowNo: true, helpGroup: WATCH}),
  ...dataPlaneFlags,
  ...groupFileFlag,
}

export const serveFlags = {
  ...watchFlags,
  listen: Flags.string({description: 'host:port to listen on; plain HTTP only on a loopback address', default: '127.0.0.1:9443', helpGroup: 'HTTP'}),
  'tls-cert': Flags.string({description: 'PEM certificate (chain) for HTTPS', helpGroup: 'HTTP', dependsOn: ['tls-key']}),
  'tls-key': Flags.string({description: 'PEM private key for HTTPS', helpGroup: 'HTTP', dependsOn: ['tls-cert']}),
  'basic-auth-file': Flags.string({description: 'file holding user:password: HTTP Basic authentication on every endpoint but /healthz', helpGroup: 'HTTP'}),
}

export function watchSettingsOf(flags: {'interval-ms': number; 'timeout-ms': number; heartbeat: boolean; 'lag-tolerance-ms': number; threshold: number; 'runway-window': number}): WatchSettings {
  return {
    intervalMs: flags['interval-ms'],
    timeoutMs: flags['timeout-ms'],
    heartbeat: flags.heartbeat,
    lagToleranceMs: flags['lag-tolerance-ms'],
    thresholdPct: flags.threshold,
    runwayWindowMs: flags['runway-window'],
  }
}

const LISTEN = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

function readSmallFile(path: string, flag: string, what: string): string {
  try {
    return readBoundedFileSync(path, {maxBytes: 1 << 20}).toString('utf8')
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`${flag} ${path} ${error.reason}`, `pass the file holding ${what}`)
    throw error
  }
}

/** user:password from the file (one line; a trailing newline is not part of the password). */
function basicAuthOf(path: string): string {
  const text = readSmallFile(path, '--basic-auth-file', 'user:password').replace(/\r?\n$/, '')
  secrets.add(text)
  const colon = text.indexOf(':')
  if (colon <= 0 || colon === text.length - 1 || text.includes('\n')) {
    throw new UsageError(`--basic-auth-file ${path} does not hold one line user:password`, 'write it as user:password, e.g. printf "health:%s" "$(openssl rand -hex 16)" > auth')
  }

  secrets.add(text.slice(colon + 1))
  // as it travels in every Authorization header, should a debug switch print one
  secrets.add(Buffer.from(text).toString('base64'))
  return text
}

/** --listen, --tls-cert/--tls-key and --basic-auth-file, checked; plain HTTP off loopback is refused. */
export function listenOptionsOf(flags: {listen: string; 'tls-cert'?: string; 'tls-key'?: string; 'basic-auth-file'?: string}): ListenOptions {
  const match = LISTEN.exec(flags.listen.trim())
  const port = Number(match?.[3])
  if (!match || port > 65_535) throw new UsageError(`--listen ${flags.listen} is not host:port`, 'pass e.g. --listen 127.0.0.1:9443 or --listen [::1]:9443 or --listen 0.0.0.0:9443 with --tls-cert and --tls-key')
  const host = (match[1] ?? match[2])
  let tls: ListenOptions['tls'] = null
  if (flags['tls-cert'] && flags['tls-key']) {
    const cert = readSmallFile(flags['tls-cert'], '--tls-cert', 'the PEM certificate')
    const key = readSmallFile(flags['tls-key'], '--tls-key', 'the PEM private key')
    secrets.add(key)
    if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--tls-cert ${flags['tls-cert']} holds no PEM certificate`, 'pass the PEM certificate (chain) serve presents')
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new UsageError(`--tls-key ${flags['tls-key']} holds no PEM private key`, 'pass the PEM private key of --tls-cert')
    tls = {cert, key}
  } else if (!isLoopback(host)) {
    throw new UsageError(`plain HTTP on ${host} would expose health answers and credentials to the network`, 'listen on a loopback address (--listen 127.0.0.1:9443), or pass --tls-cert and --tls-key')
  }

  return {host, port, tls, basicAuth: flags['basic-auth-file'] ? basicAuthOf(flags['basic-auth-file']) : null}
}

/**
 * The groups to watch and the heartbeats on their Redis: from the group file (no ARM at all; --ca trusted besides
 * each member's own CA), else from ARM with the usual flags (the profile's host map dialled instead of DNS). Bad
 * input is a usage error before any connection.
 */
export async function watchSourceOf(
  flags: ArmFlagValues & {group?: string[]; 'resource-group'?: string; member?: string; 'group-file'?: string; auth: string; ca?: string},
): Promise<{source: GroupSource; heartbeats: Heartbeats}> {
  const nicknames = flags.group ?? []
  if (flags['group-file']) {
    const {caPem} = dataPlaneTarget(flags, {})
    return {source: {files: await groupFiles(), selection: {path: flags['group-file'], nicknames, ...(caPem ? {caPem} : {})}}, heartbeats: await heartbeatPorts()}
  }

  const settings = resolveArmSettings(flags)
  const targets = dataPlaneTarget(flags, settings)
  const selection = {subscriptions: settings.subscriptions, nicknames, selection: {resourceGroup: flags['resource-group'], member: flags.member}}
  return {source: {arm: await keyReadingArm(settings), selection, targets}, heartbeats: await heartbeatPorts(settings.hosts)}
}
