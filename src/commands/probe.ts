import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {connectArm} from '../cli/connect.js'
import {groupFlags} from '../cli/flags.js'
import {armFlags, resolveArmSettings, type ArmFlagValues, type ResolvedArmSettings} from '../cli/settings.js'
import {UsageError} from '../domain/errors.js'
import type {ScopeError} from '../domain/model.js'
import {renderProbe} from '../output/probe.js'
import type {GroupSelection} from '../services/groups.js'
import {probeExitCode, runProbe} from '../services/probe.js'
import {AUTH_MODES, type AuthMode, type TargetOptions} from '../services/targets.js'

// Shared with `capacity` and `endpoints export`: they belong in src/cli/ (flags.ts), where `check` could use them too.
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

/** What ARM could not read, and linked members nobody could read, as warnings on stderr. */
export function warnUnread(command: BaseCommand, errors: ScopeError[], unresolved: string[], consequence: string): void {
  for (const e of errors) command.warn(`could not read ${e.scope}: ${e.code}: ${e.message}`)
  for (const id of unresolved) command.warn(`${id} is linked but could not be read: ${consequence}`)
}

export default class Probe extends BaseCommand {
  static override summary = 'reachability, latency and memory of every member, seen from here'
  static override description = `Connects to every member of the group in parallel (host name and database port, TLS verified when the
database is Encrypted), times the TCP connect and TLS handshake, sends --samples PINGs and reads INFO server, memory and stats.
Failures are classified: dns, refused, timeout, tls, auth, other, with the underlying message.

--canary also writes a short-lived key on each member and polls every other member for it: the N×N replication-lag matrix.
The canary measures; it does not change the exit code (use \`geo-redis check --canary\` to judge lag).

Exit 0 every member answered, 1 a member did not (or could not be read), 2 bad input. See docs/data-plane.md.`

  static override examples = [
    '<%= config.bin %> probe --profile sandbox',
    '<%= config.bin %> probe --group geo --resource-group rg-payments --canary',
    '<%= config.bin %> probe --group geo --auth entra --timeout-ms 5000 --json',
    '<%= config.bin %> probe --group geo --ca ./private-ca.pem --samples 50',
  ]

  static override flags = {
    ...armFlags,
    ...groupFlags,
    samples: Flags.integer({description: 'PING round trips per member (fewer when the PING phase runs out of --timeout-ms)', default: 20, min: 1, max: 1000}),
    canary: Flags.boolean({description: 'also write a canary key on each member and time its arrival on the others'}),
    ...dataPlaneFlags,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Probe)
    const {settings, scope} = groupScope(flags)
    const target = dataPlaneTarget(flags, settings.caPem)
    const arm = await connectArm(settings)
    const progress = this.progress('reading the group')
    const {probe, errors} = await runProbe(arm, {
      ...scope,
      ...target,
      samples: flags.samples,
      timeoutMs: flags['timeout-ms'],
      canary: flags.canary,
      onProgress: (text) => progress.update(text),
    }).finally(() => progress.stop())
    warnUnread(this, errors, probe.unresolved, 'not probed')
    return {data: probe, exitCode: probeExitCode(probe), human: () => renderProbe(probe)}
  }
}
