// The one CLI run of a guarded operation (force-unlink, force-link, flush): flags checked before any request, the
// group read and the plan built, consent (on a terminal the operator types the group nickname; off one, --yes plus
// --confirm <nickname>; --json is never consent), then the lifecycle with evidence, and the result rendered.
import {Flags} from '@oclif/core'
import {InterruptedError, UsageError} from '../domain/errors.js'
import {guardedExitCode} from '../domain/outcome.js'
import type {GuardedAction, SavedPlan} from '../domain/plans.js'
import {suggestCommand} from '../domain/suggest.js'
import {renderGuardedResult, renderPlan} from '../output/plan.js'
import {askNickname} from '../services/guarded/consent.js'
import type {Executor} from '../services/guarded/execute.js'
import {runGuarded, type ConsentAnswer} from '../services/guarded/lifecycle.js'
import type {GuardedOptions, Prepare, PreparedOperation} from '../services/guarded/prepare.js'
import type {Prompter} from '../services/ports.js'
import {BaseCommand, type CommandOutcome} from './base.js'
import {guardedPorts} from './composition.js'
import {dataPlaneFlags, evidenceFlags, groupFlags, probeSettingsFrom} from './flags.js'
import {checkOutputPath} from './paths.js'
import {readPlanFile} from './plan-file.js'
import {reporterOf} from './progress.js'
import {TerminalPrompter} from './prompts.js'
import {armFlags, connectionArgs, resolveArmSettings, type ArmFlagValues, type ResolvedArmSettings} from './settings.js'

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

interface GuardedFlagValues extends ArmFlagValues {
  auth: string
  ca?: string
  'timeout-ms': number
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
  from?: string
}

/**
 * Off a terminal a prompt is impossible: fail before any network call, naming exactly the flags to pass. A dry run
 * needs no consent, but consent flags given to one are held to the same rules, so a rehearsal fails where the real
 * run would (a wrong --confirm is judged once the group's nickname is read).
 */
function consentFlagsProblem(flags: Pick<GuardedFlagValues, 'dry-run' | 'yes' | 'confirm' | 'group'>, interactive: boolean): UsageError | null {
  if ((flags.yes && flags.confirm !== undefined) || (!flags.yes && (interactive || flags['dry-run']))) return null
  const missing = [!flags.yes && '--yes', flags.confirm === undefined && `--confirm ${flags.group}`].filter(Boolean).join(' ')
  return new UsageError(
    flags.yes ? `--yes needs --confirm with the group nickname: pass ${missing}` : `confirmation needed and there is no terminal to ask on: pass ${missing}`,
    'consent off a terminal is --yes plus --confirm <nickname> (--json is not consent); to only preview, pass --dry-run',
    'ConsentRequired',
  )
}

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

/** Shows the plan on stderr, then takes --yes/--confirm, or asks for the nickname on a terminal. */
async function consentOf(prepared: PreparedOperation, flags: Pick<GuardedFlagValues, 'yes' | 'confirm'>, prompter: Prompter): Promise<ConsentAnswer> {
  process.stderr.write(`${renderPlan(prepared.plan, prepared.guards.guards)}\n\n`)
  if (flags.yes) return {given: flags.confirm ?? null, how: '--yes --confirm'}
  return askNickname(prompter, prepared.plan)
}

/** force-unlink, force-link and flush: flags → prepare → consent → execute, all through runGuarded, with evidence. */
export abstract class GuardedCommand extends BaseCommand {
  protected async runGuardedCommand(flags: GuardedFlagValues, action: GuardedAction, prepare: Prepare, execute: Executor): Promise<CommandOutcome> {
    const {settings, ...options} = await this.guardedOptions(flags, action)
    const ports = await guardedPorts(settings, options.connection ?? [])
    let progress = this.progress(`reading group ${flags.group}`)
    const onProgress = (line: string, kind?: 'status' | 'step') => reporterOf(progress)(line, kind)
    try {
      const reading = prepare(ports, {...options, onProgress})
      const prepared = await this.untilAborted(reading, () => {
        const subject = action === 'flush' ? (flags.from ? ['--from', flags.from] : []) : ['--member', flags.member]
        const again = suggestCommand([action, '--group', flags.group, ...subject], options.connection)
        return new InterruptedError('interrupted while reading and probing the group: nothing was sent', `run it again when ready: ${again}`)
      })
      progress.stop()
      const prompter = new TerminalPrompter()
      const result = await runGuarded(ports.arm, prepared, execute, {
        evidence: this.evidenceSettings(flags['evidence-dir'], flags.reason),
        abortSignal: this.abortSignal,
        deadlineMs: flags.deadline,
        onProgress,
        confirm: flags.confirm,
        consent: async (p) => {
          const answer = await consentOf(p, flags, prompter)
          progress = this.progress(`${p.action} ${p.plan.target?.name ?? ''}`)
          return answer
        },
      })
      const human = () => {
        const text = renderGuardedResult(result)
        if (text.stderr) process.stderr.write(`${text.stderr}\n`)
        return text.stdout
      }
      return {data: result, exitCode: guardedExitCode(result), human}
    } finally {
      progress.stop()
      ports.locks.release()
    }
  }

  /** Everything checked before any network request: consent flags, the evidence folder, settings, probe and --plan. */
  private async guardedOptions(flags: GuardedFlagValues, action: GuardedAction): Promise<GuardedOptions & {from?: string; settings: ResolvedArmSettings}> {
    // --json means a script is reading: consent must come from flags, never from a prompt it cannot answer
    const problem = consentFlagsProblem(flags, this.interactive && !this.jsonEnabled())
    if (problem) throw problem
    checkOutputPath(flags['evidence-dir'], '--evidence-dir', 'folder')
    const settings = resolveArmSettings(flags)
    const probe = flags['skip-probe'] ? null : probeSettingsFrom(flags, settings)
    const plan = await savedPlanOf(flags, action)
    return {
      settings,
      subscriptions: settings.subscriptions,
      group: flags.group,
      resourceGroup: flags['resource-group'],
      member: flags.member,
      from: flags.from,
      force: flags.force,
      dryRun: flags['dry-run'],
      probe,
      connection: connectionArgs(flags),
      plan,
    }
  }
}
