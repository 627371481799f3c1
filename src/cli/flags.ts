// Flags shared by several commands, and turning them into settings.
import {Flags} from '@oclif/core'
import {assertThresholds, type CapacityThresholds} from '../domain/capacity.js'
import {UsageError} from '../domain/errors.js'
import {label} from '../domain/group.js'
import {clusterIdOf, idKey} from '../domain/ids.js'
import type {Member, ScopeError} from '../domain/model.js'
import {describeReadError} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {DEFAULT_EVIDENCE_ROOT} from '../evidence/bundle.js'
import type {ProbeSettings} from '../services/probe.js'
import {AUTH_MODES, NO_REDIS_TOKEN, type AuthMode, type TargetOptions} from '../services/targets.js'
import type {BaseCommand} from './base.js'
import {readCaFile} from './ca-file.js'
import {MAX_WAIT_MS, resolveArmSettings, type ArmFlagValues, type ResolvedArmSettings} from './settings.js'

export const groupFlags = {
  group: Flags.string({char: 'g', description: 'group nickname'}),
  'resource-group': Flags.string({description: 'pick the group with a member in this resource group (nicknames are not unique)'}),
  member: Flags.string({description: 'pick the group with this member (cluster name, location or database id)'}),
}

/** --group-file: groups described without Azure (docs/group-file.md), instead of ARM; --group picks one of them. */
export const groupFileFlag = {
  'group-file': Flags.string({
    description: 'YAML or JSON file describing groups without Azure (hosts, ports, TLS, credentials by reference; docs/group-file.md); --group picks one',
    exclusive: ['profile', 'subscription', 'arm-endpoint', 'cloud', 'resource-group', 'member'],
    helpGroup: 'GROUP FILE',
  }),
}

export const formatFlag = (options: string[], description = 'output format; table on a terminal') =>
  Flags.string({description, options, default: 'table'})

const DURATION = /^(\d{1,6})(ms|s|m|h)$/
const UNIT_MS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const
const DEADLINE_MS = {min: 1000, max: 24 * 3_600_000}

/** "90s", "15m", "1h", "1500ms" → ms, within 1 s to 24 h; anything else (a bare number, "1.5h", "1d") is refused. */
export function parseDeadline(text: string): number {
  const match = DURATION.exec(text.trim())
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN
  if (!(ms >= DEADLINE_MS.min && ms <= DEADLINE_MS.max)) throw new Error(`Expected a duration from 1s to 24h with its unit, such as 90s, 15m or 1h, but received: ${text}`)
  return ms
}

/**
 * --deadline: how long to follow a long-running operation before its outcome is unknown (then the command says what
 * to check, and exits 3). `fallback` is the operation's own default, e.g. "15m".
 */
export function deadlineFlag(fallback: string) {
  return Flags.custom<number>({
    description: `how long to follow the operation before stopping with outcome unknown (it goes on in Azure): 90s, 15m, 1h… from 1s to 24h`,
    helpValue: '<duration>',
    default: parseDeadline(fallback),
    defaultHelp: async () => fallback,
    parse: async (input) => parseDeadline(input),
  })()
}

/**
 * --warn and --crit, memory used in % of a member's limit, the same for every command that judges it (capacity,
 * check, the runbook): whole percentages from 1 to 99, warn below crit, checked by the domain before any request.
 */
export function thresholdFlags(what: {warn: string; crit: string}, helpGroup?: string) {
  return {
    warn: Flags.integer({description: what.warn, default: 70, helpGroup}),
    crit: Flags.integer({description: what.crit, default: 85, helpGroup}),
  }
}

/** --warn and --crit as thresholds; a usage error (exit 2) out of range or not in order. */
export function thresholdsOf(flags: {warn: number; crit: number}): CapacityThresholds {
  const thresholds = {warnPct: flags.warn, critPct: flags.crit}
  assertThresholds(thresholds)
  return thresholds
}

/** A folder evidence bundles are written in (each run adds one folder to it). */
export const evidenceRootFlag = (description: string) => Flags.string({description, default: DEFAULT_EVIDENCE_ROOT})

export const evidenceFlags = {
  'evidence-dir': evidenceRootFlag('parent folder of evidence bundles'),
  reason: Flags.string({description: 'why, in the operator\'s words: recorded in the evidence report'}),
}

/** How commands that talk to Redis connect: auth mode, extra CA, time budget. */
export const dataPlaneFlags = {
  auth: Flags.string({
    description: 'Redis AUTH: keys (listKeys), entra (a Microsoft Entra token for Redis: your sign-in or GEO_REDIS_REDIS_TOKEN, never the ARM token), auto (entra where access keys are disabled)',
    options: AUTH_MODES,
    default: 'auto',
    helpGroup: 'REDIS',
  }),
  ca: Flags.string({description: 'PEM file of a private CA that signed the Redis certificates, trusted besides the profile\'s', helpGroup: 'REDIS'}),
  'timeout-ms': Flags.integer({
    description: `budget for each member's connection (TCP, TLS and AUTH), and again for each reply (1 to ${MAX_WAIT_MS})`,
    default: 2000,
    min: 1,
    max: MAX_WAIT_MS,
    helpGroup: 'REDIS',
  }),
}

/**
 * --auth and --ca as target options; a --ca file is trusted in addition to the profile's CA (the sandbox's). Entra
 * AUTH with only a ready ARM token is refused here, before anything is sent: that token is never sent to Redis.
 */
export function dataPlaneTarget(flags: {auth: string; ca?: string}, settings: Pick<ResolvedArmSettings, 'caPem' | 'accessToken' | 'redisToken'>): TargetOptions {
  if (flags.auth === 'entra' && settings.accessToken && !settings.redisToken) {
    throw new UsageError(`--auth entra: ${NO_REDIS_TOKEN.message}`, NO_REDIS_TOKEN.suggestion, 'EntraTokenUnavailable')
  }

  const extra = flags.ca === undefined ? undefined : readCaFile(flags.ca, '--ca', 'pass the PEM file of the CA that signed the Redis certificates')
  const caPem = [settings.caPem, extra].filter(Boolean).join('\n')
  return {auth: flags.auth as AuthMode, ...(caPem ? {caPem} : {})}
}

const PROBE_SAMPLES = 3

/** The probe of a guarded operation, a capture or the runbook: a few PINGs per member, --timeout-ms each step. */
export function probeSettingsFrom(flags: {auth: string; ca?: string; 'timeout-ms': number}, settings: ResolvedArmSettings): ProbeSettings {
  return {...dataPlaneTarget(flags, settings), samples: PROBE_SAMPLES, timeoutMs: flags['timeout-ms']}
}

/** Validated ARM settings (bad input is exit 2 before any request) and the group the flags ask for. */
export function groupScope(flags: ArmFlagValues & {group?: string; 'resource-group'?: string; member?: string}): {
  settings: ResolvedArmSettings
  scope: {subscriptions: string[]; selection: GroupSelection}
} {
  const settings = resolveArmSettings(flags)
  const selection = {group: flags.group, resourceGroup: flags['resource-group'], member: flags.member}
  return {settings, scope: {subscriptions: settings.subscriptions, selection}}
}

/**
 * What ARM could not read, as warnings on stderr, once each: a line per member of the group ARM could not read (its
 * cause, and what that costs this command) unless the output on stdout shows those members already (`shown`), then
 * every failed scope that is not about one of them.
 */
export function warnUnread(command: BaseCommand, errors: ScopeError[], unread: Member[] = [], consequence = '', shown = false): void {
  const covered = new Set(unread.flatMap((m) => [idKey(m.id), idKey(clusterIdOf(m.id))]))
  if (!shown) {
    for (const m of unread) command.warn(`${label(m)} is linked but could not be read: ${describeReadError(m.readError!)}${consequence ? `; ${consequence}` : ''}`)
  }

  for (const e of errors) {
    if (!covered.has(idKey(e.scope))) command.warn(`could not read ${e.scope}: ${e.cause ? `${e.cause} (${e.code}: ${e.message})` : `${e.code}: ${e.message}`}`)
  }
}
