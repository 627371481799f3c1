// Flags shared by several commands, and turning them into settings.
import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {UsageError} from '../domain/errors.js'
import {label} from '../domain/group.js'
import {clusterIdOf, idKey} from '../domain/ids.js'
import type {Member, ScopeError} from '../domain/model.js'
import {describeReadError} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {AUTH_MODES, type AuthMode, type TargetOptions} from '../services/targets.js'
import type {BaseCommand} from './base.js'
import {resolveArmSettings, type ArmFlagValues, type ResolvedArmSettings} from './settings.js'

export const groupFlags = {
  group: Flags.string({char: 'g', description: 'group nickname'}),
  'resource-group': Flags.string({description: 'pick the group with a member in this resource group (nicknames are not unique)'}),
  member: Flags.string({description: 'pick the group with this member (cluster name, location or database id)'}),
}

export const formatFlag = (options: string[], description = 'output format; table on a terminal') =>
  Flags.string({description, options, default: 'table'})

/** How commands that talk to Redis connect: auth mode, extra CA, time budget. */
export const dataPlaneFlags = {
  auth: Flags.string({
    description: 'Redis AUTH: keys (listKeys), entra (a Microsoft Entra token), auto (entra where access keys are disabled)',
    options: AUTH_MODES,
    default: 'auto',
    helpGroup: 'REDIS',
  }),
  ca: Flags.string({description: 'PEM file of a private CA that signed the Redis certificates, trusted besides the profile\'s', helpGroup: 'REDIS'}),
  'timeout-ms': Flags.integer({
    description: 'budget for each member\'s connection (TCP, TLS and AUTH), and again for each reply',
    default: 2000,
    min: 1,
    helpGroup: 'REDIS',
  }),
}

/** --auth and --ca as target options; a --ca file is trusted in addition to the profile's CA (the sandbox's). */
export function dataPlaneTarget(flags: {auth: string; ca?: string}, profileCaPem?: string): TargetOptions {
  let extra: string | undefined
  if (flags.ca) {
    try {
      extra = readFileSync(flags.ca, 'utf8')
    } catch (error) {
      throw new UsageError(`cannot read --ca ${flags.ca}: ${(error as Error).message}`, 'pass the PEM file of the CA that signed the Redis certificates')
    }

    if (!extra.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--ca ${flags.ca} holds no PEM certificate`, 'pass a file with a -----BEGIN CERTIFICATE----- block')
    }
  }

  const caPem = [profileCaPem, extra].filter(Boolean).join('\n')
  return {auth: flags.auth as AuthMode, ...(caPem ? {caPem} : {})}
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
