// Consent for mutating commands, and the one CLI run of a guarded operation shared by force-unlink and force-link.
// On a terminal the operator types the group nickname; off one, --yes plus --confirm <nickname>. --json is never consent.
import {Flags} from '@oclif/core'
import {InterruptedError, UsageError} from '../domain/errors.js'
import {planTitle, type GuardedAction, type SavedPlan} from '../domain/plans.js'
import {suggestCommand} from '../domain/suggest.js'
import {DEFAULT_EVIDENCE_ROOT} from '../evidence/bundle.js'
import {duringPrompt} from '../shared/output-guard.js'
import {plainText} from '../shared/text.js'
import {exitCodeOf, renderGuardedResult, renderPlan} from '../output/plan.js'
import {runGuarded, type ConsentAnswer, type Executor, type PreparedOperation, type ProgressReporter} from '../services/evidence.js'
import type {GuardedOptions} from '../services/force-unlink.js'
import type {ArmPort} from '../services/ports.js'
import type {ProbeSettings} from '../services/probe.js'
import {BaseCommand, type CommandOutcome} from './base.js'
import {connectArm} from './connect.js'
import {dataPlaneFlags, dataPlaneTarget, groupFlags} from './flags.js'
import {groupLocks} from './locks.js'
import {checkOutputPath} from './paths.js'
import {readPlanFile} from './plan-file.js'
import {armFlags, connectionArgs, resolveArmSettings, type ArmFlagValues, type ResolvedArmSettings} from './settings.js'

/** an unanswered prompt is a "no", never a hang */
export const PROMPT_TIMEOUT_MS = 5 * 60_000
const PROBE_SAMPLES = 3

export const evidenceFlags = {
  'evidence-dir': Flags.string({description: 'parent folder of evidence bundles', default: DEFAULT_EVIDENCE_ROOT}),
  reason: Flags.string({description: 'why, in the operator\'s words: recorded in the evidence report'}),
}

/** Flags of every guarded mutating command. */
export const guardedFlags = {
  ...armFlags,
  ...dataPlaneFlags,
  ...evidenceFlags,
  group: Flags.string({char: 'g', description: 'group nickname', required: true}),
  'resource-group': groupFlags['resource-group'],
  'dry-run': Flags.boolean({description: 'build and show the plan, write evidence, send nothing', default: false}),
  yes: Flags.boolean({char: 'y', description: 'consent without a prompt; needs --confirm <nickname>', default: false}),
  confirm: Flags.string({description: 'the group nickname, typed again: must match exactly'}),
  force: Flags.boolean({description: 'let the overridable guards pass (they stay in the evidence, marked forced)', default: false}),
  'skip-probe': Flags.boolean({description: 'do not probe the data plane (e.g. no network path from here); recorded in the plan', default: false}),
  plan: Flags.string({
    description: 'execute exactly the plan a dry run wrote (its evidence folder, or the plan.json in it), once a fresh read shows that nothing it was decided on moved',
  }),
}

export interface ProbeFlagValues {
  auth: string
  ca?: string
  'timeout-ms': number
}

export interface GuardedFlagValues extends ArmFlagValues, ProbeFlagValues {
  group: string
  'resource-group'?: string
  member: string
  'dry-run': boolean
  yes: boolean
  confirm?: string
  force: boolean
  'skip-probe': boolean
  'evidence-dir': string
  reason?: string
  /** --deadline, in ms */
  deadline: number
  plan?: string
}

export function probeSettingsFrom(flags: ProbeFlagValues, settings: ResolvedArmSettings): ProbeSettings {
  return {...dataPlaneTarget(flags, settings), samples: PROBE_SAMPLES, timeoutMs: flags['timeout-ms']}
}

/**
 * Off a terminal a prompt is impossible: fail before any network call, naming exactly the flags to pass. A dry run
 * needs no consent, but consent flags given to one are held to the same rules, so a rehearsal fails where the real
 * run would (a wrong --confirm is judged once the group's nickname is read).
 */
export function consentFlagsProblem(flags: Pick<GuardedFlagValues, 'dry-run' | 'yes' | 'confirm' | 'group'>, interactive: boolean): UsageError | null {
  if ((flags.yes && flags.confirm !== undefined) || (!flags.yes && (interactive || flags['dry-run']))) return null
  const missing = [!flags.yes && '--yes', flags.confirm === undefined && `--confirm ${flags.group}`].filter(Boolean).join(' ')
  return new UsageError(
    flags.yes ? `--yes needs --confirm with the group nickname: pass ${missing}` : `confirmation needed and there is no terminal to ask on: pass ${missing}`,
    'consent off a terminal is --yes plus --confirm <nickname> (--json is not consent); to only preview, pass --dry-run',
    'ConsentRequired',
  )
}

/** Shows the plan on stderr, then takes --yes/--confirm, or asks for the nickname on a terminal. */
export async function askConsent(prepared: PreparedOperation, flags: Pick<GuardedFlagValues, 'yes' | 'confirm'>): Promise<ConsentAnswer> {
  process.stderr.write(`${renderPlan(prepared.plan, prepared.guards.guards)}\n\n`)
  if (flags.yes) return {given: flags.confirm ?? null, how: '--yes --confirm'}
  const {input} = await import('@inquirer/prompts')
  const nickname = prepared.plan.group.nickname
  try {
    const message = plainText(`type the group nickname (${nickname}) to ${planTitle(prepared.plan)}; anything else cancels:`)
    const answer = await duringPrompt(() => input({message}, {output: process.stderr, signal: AbortSignal.timeout(PROMPT_TIMEOUT_MS)}))
    return {given: answer.trim(), how: 'the answer typed at the prompt'}
  } catch (error) {
    const name = (error as Error).name
    if (name === 'ExitPromptError') return {given: null, how: 'Ctrl-C at the prompt', interrupted: true}
    if (name === 'AbortPromptError') return {given: null, how: `no answer within ${PROMPT_TIMEOUT_MS / 60_000} minutes`}
    throw error
  }
}

export type Prepare = (arm: ArmPort, options: GuardedOptions) => Promise<PreparedOperation>

/**
 * --plan, read and checked before any network request: a plan for this action and for the group --group names,
 * whose issuer --from (when given) does not contradict.
 */
export async function savedPlanOf(flags: {plan?: string; group?: string; from?: string}, action: GuardedAction): Promise<SavedPlan | undefined> {
  if (flags.plan === undefined) return undefined
  const saved = await readPlanFile(flags.plan, action)
  if (flags.group !== undefined && saved.group.nickname.toLowerCase() !== flags.group.trim().toLowerCase()) {
    throw new UsageError(`--plan ${saved.path} is for group "${saved.group.nickname}", not "${flags.group}"`, `pass --group ${saved.group.nickname}, or the plan of group "${flags.group}"`, 'BadPlanFile')
  }
  if (flags.from !== undefined) {
    throw new UsageError('--from and --plan both name the member to send on', `leave --from out: the plan sends on ${saved.issuedOn?.name ?? 'its issuer'}`, 'BadPlanFile')
  }
  return saved
}

/** force-unlink, force-link and flush: flags → prepare → consent → execute, all through runGuarded, with evidence. */
export abstract class GuardedCommand extends BaseCommand {
  protected async runGuardedCommand(flags: GuardedFlagValues & {from?: string}, action: GuardedAction, prepare: Prepare, execute: Executor): Promise<CommandOutcome> {
    // --json means a script is reading: consent must come from flags, never from a prompt it cannot answer
    const problem = consentFlagsProblem(flags, this.interactive && !this.jsonEnabled())
    if (problem) throw problem
    checkOutputPath(flags['evidence-dir'], '--evidence-dir', 'folder')
    const settings = resolveArmSettings(flags)
    const probe = flags['skip-probe'] ? null : probeSettingsFrom(flags, settings)
    const plan = await savedPlanOf(flags, action)
    const connection = connectionArgs(flags)
    const abortSignal = this.abortSignal
    const arm = await connectArm(settings)
    const locks = groupLocks(connection)
    let progress = this.progress(`reading group ${flags.group}`)
    const onProgress: ProgressReporter = (line, kind) => (kind === 'step' ? progress.note(`  ${line}`) : progress.update(line))
    try {
      const reading = prepare(arm, {
        subscriptions: settings.subscriptions,
        group: flags.group,
        resourceGroup: flags['resource-group'],
        member: flags.member,
        force: flags.force,
        dryRun: flags['dry-run'],
        probe,
        onProgress,
        connection,
        locks,
        plan,
      })
      const prepared = await this.untilAborted(
        reading,
        () => {
          const subject = action === 'flush' ? (flags.from ? ['--from', flags.from] : []) : ['--member', flags.member]
          const again = suggestCommand([action, '--group', flags.group, ...subject], connection)
          return new InterruptedError('interrupted while reading and probing the group: nothing was sent', `run it again when ready: ${again}`)
        },
      )
      progress.stop()
      const result = await runGuarded(arm, prepared, execute, {
        evidence: {root: flags['evidence-dir'], tool: {name: this.config.name, version: this.config.version}, reason: flags.reason ?? null},
        abortSignal,
        deadlineMs: flags.deadline,
        onProgress,
        confirm: flags.confirm,
        consent: async (p) => {
          const answer = await askConsent(p, flags)
          progress = this.progress(`${p.action} ${p.plan.target?.name ?? ''}`)
          return answer
        },
      })
      return {
        data: result,
        exitCode: exitCodeOf(result),
        human: () => {
          const text = renderGuardedResult(result)
          if (text.stderr) process.stderr.write(`${text.stderr}\n`)
          return text.stdout
        },
      }
    } finally {
      progress.stop()
      locks.release()
    }
  }
}
