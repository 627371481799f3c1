import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {askConsent, evidenceFlags, probeSettingsFrom, PROMPT_TIMEOUT_MS, savedPlanOf} from '../../cli/confirm.js'
import {groupLocks} from '../../cli/locks.js'
import {connectArm} from '../../cli/connect.js'
import {duringPrompt} from '../../shared/output-guard.js'
import {plainText} from '../../shared/text.js'
import {dataPlaneFlags, deadlineFlag, groupFlags} from '../../cli/flags.js'
import {checkOutputPath} from '../../cli/paths.js'
import type {Progress} from '../../cli/progress.js'
import {armFlags, connectionArgs, resolveArmSettings} from '../../cli/settings.js'
import {assertThresholds} from '../../domain/capacity.js'
import {ExitCode, InterruptedError, UsageError} from '../../domain/errors.js'
import {label} from '../../domain/group.js'
import {consentGuard, type GuardResult} from '../../domain/guards.js'
import {suggestCommand} from '../../domain/suggest.js'
import {rejoinSteps, type MemberStatus, type StepId} from '../../domain/incident.js'
import type {GeoGroup} from '../../domain/model.js'
import {exitCodeOf} from '../../output/plan.js'
import {
  answerBlock,
  consentBlocks,
  diagnosisBlocks,
  endpointsBlocks,
  evidenceBlocks,
  executeBlocks,
  groupBlocks,
  listBlocks,
  planBlocks,
  recommendationBlocks,
  renderRunbookSummary,
  renderTerminal,
  RunbookLog,
  statusBlocks,
  stepHeader,
  type Block,
} from '../../output/runbook.js'
import type {ConsentAnswer, EvidenceSettings, GuardedResult, PreparedOperation, ProgressReporter} from '../../services/evidence.js'
import type {ArmPort} from '../../services/ports.js'
import {
  assessIncident,
  endAfterUnlink,
  endStopped,
  endWithoutUnlink,
  incidentGroups,
  planIncidentUnlink,
  RUNBOOK_ACTION,
  RunbookEvidence,
  runIncidentUnlink,
  type Assessment,
  type RunbookEnding,
  type RunbookRecord,
  type RunbookResult,
} from '../../services/runbook.js'

/** Ctrl-C or no answer at one of the runbook's own questions, or a rehearsed confirmation that would cancel. */
class Stopped extends Error {
  constructor(
    readonly how: 'interrupted' | 'timeout' | 'cancelled',
    question: string,
    detail?: string,
  ) {
    super(detail ?? (how === 'interrupted' ? `Ctrl-C at "${question}"` : `no answer within ${PROMPT_TIMEOUT_MS / 60_000} minutes to "${question}"`))
  }
}

const STOPPED_EXIT: Record<Stopped['how'], number> = {interrupted: 130, timeout: 0, cancelled: 2}

/** What the run has done so far: what the evidence records, however it ends. */
interface Run {
  assessment: Assessment | null
  target: MemberStatus | null
  unlink: GuardedResult | null
}

export default class RunbookIncident extends BaseCommand {
  static override summary = 'guided response when a member is down: assess, decide, force-unlink, rejoin'
  static override description = `Walks you through docs/runbook.md on a terminal: pick the group, see every member's live status (ARM, probe, memory), the diagnosis and a recommendation (redirect clients only, or force-unlink now when the survivors' memory is at or above --warn/--crit), the survivors' endpoints, then decide. Going on shows force-unlink's own plan and guards, asks you to type the group nickname, runs it and verifies it, exactly as \`geo-redis force-unlink\` does. Every question, answer and result is logged to runbook.md in an evidence bundle, also when you stop early.

Needs a terminal: off one (or with --json) it exits 2 at once; use \`geo-redis force-unlink\` there (a dry run, then its plan with --plan and the consent flags).

With --plan, the force-unlink step executes exactly the plan a rehearsal (--dry-run) wrote, once a fresh read shows that nothing it was decided on moved.

Exit 0 done (stopped by choice, dry run, or unlinked and verified) · 1 the force-unlink failed · 2 no terminal, bad input, or refused by a guard or the confirmation or its outcome is unknown (check before acting) · 130 interrupted (Ctrl-C, SIGHUP or SIGTERM).`

  static override examples = [
    '<%= config.bin %> runbook incident --profile sandbox',
    '<%= config.bin %> runbook incident --group geo --dry-run',
    '<%= config.bin %> runbook incident --group geo --warn 60 --crit 80 --evidence-dir ./incidents',
  ]

  static override flags = {
    ...armFlags,
    ...dataPlaneFlags,
    ...evidenceFlags,
    group: Flags.string({char: 'g', description: 'group nickname (default: the only group visible, else you pick one)'}),
    'resource-group': groupFlags['resource-group'],
    'dry-run': Flags.boolean({description: 'rehearse every step, the typed confirmation included; send nothing', default: false}),
    plan: Flags.string({
      description: "execute exactly the force-unlink plan a rehearsal (--dry-run) wrote: its evidence folder; refused if anything it was decided on moved",
    }),
    warn: Flags.integer({description: 'survivors at this % of memory used: recommend force-unlink', default: 70}),
    crit: Flags.integer({description: 'survivors at this % of memory used: critical', default: 85}),
    deadline: deadlineFlag('15m'),
  }

  private readonly journal = new RunbookLog()
  private current: StepId | null = null

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(RunbookIncident)
    // a script cannot answer questions: fail before any network call and name the command that takes flags
    if (!this.interactive || this.jsonEnabled()) throw noTerminal(flags.group, connectionArgs(flags))
    const thresholds = {warnPct: flags.warn, critPct: flags.crit}
    assertThresholds(thresholds)
    checkOutputPath(flags['evidence-dir'], '--evidence-dir', 'folder')
    const settings = resolveArmSettings(flags)
    const connection = connectionArgs(flags)
    const probe = probeSettingsFrom(flags, settings)
    const plan = await savedPlanOf({plan: flags.plan, group: flags.group}, 'force-unlink')
    const nickname = flags.group ?? plan?.group.nickname
    const abortSignal = this.abortSignal
    const startedAt = new Date().toISOString()
    const evidence = {root: flags['evidence-dir'], tool: {name: this.config.name, version: this.config.version}, reason: flags.reason ?? null}
    const arm = await connectArm(settings)

    // step 1: the group
    let choice: Awaited<ReturnType<typeof incidentGroups>>
    let group: GeoGroup
    try {
      choice = await this.working('reading the groups', () => incidentGroups(arm, {subscriptions: settings.subscriptions, group: nickname, resourceGroup: flags['resource-group']}))
      group = await this.chooseGroup(choice.groups, nickname, flags['resource-group'])
    } catch (error) {
      // nothing was read about any group yet: no evidence to write
      if (error instanceof Stopped && error.how === 'interrupted') throw new InterruptedError('interrupted before a group was picked; nothing was sent')
      if (error instanceof Stopped) throw new UsageError('no group was picked', 'pass --group <nickname>')
      throw error
    }

    const run: Run = {assessment: null, target: null, unlink: null}
    let ending: RunbookEnding
    let exitCode = 0
    const locks = groupLocks(connection)
    try {
      // steps 2 to 5: status, diagnosis, recommendation, endpoints
      const {assessment: a, probe: probed} = await this.working('probing the members', (onProgress) => assessIncident(arm, {group}, {probe, thresholds, onProgress, connection}))
      run.assessment = a
      await this.show('status', statusBlocks(a))
      await this.show('diagnosis', diagnosisBlocks(a.diagnosis, thresholds))
      await this.show('recommendation', recommendationBlocks(a.recommendation))
      await this.show('endpoints', endpointsBlocks(a))
      this.stopIfAborted(abortSignal, 'probing the members')

      // step 6: decide; then steps 7 to 9: force-unlink's own plan, confirmation and run
      const target = await this.decide(a)
      run.target = target
      if (target) {
        const prepared = await this.working('building the force-unlink plan', (onProgress) =>
          planIncidentUnlink(arm, a, target, {
            subscriptions: settings.subscriptions,
            resourceGroup: flags['resource-group'],
            dryRun: flags['dry-run'],
            probe,
            // the plan is built from what the runbook read and probed: no second wait for the failing member
            known: {startedAt, inventory: choice.inventory, probe: probed},
            onProgress,
            locks,
            plan,
          }),
        )
        run.unlink = await this.unlink(arm, prepared, {evidence, abortSignal, deadlineMs: flags.deadline})
        exitCode = exitCodeOf(run.unlink)
      }
      ending = target && run.unlink ? endAfterUnlink(run.unlink, a, target) : endWithoutUnlink(a)
    } catch (error) {
      if (!(error instanceof Stopped)) {
        // the log of what happened so far is worth keeping even when a step failed
        const message = error instanceof Error ? error.message : String(error)
        await this.finish(arm, evidence, startedAt, group, run, flags['dry-run'], endStopped(group.nickname, 'error', message, connection), 1).catch(() => undefined)
        throw error
      }
      ending = endStopped(group.nickname, error.how, error.message, connection)
      exitCode = error.how === 'interrupted' ? ExitCode.interrupted : STOPPED_EXIT[error.how]
    } finally {
      locks.release()
    }
    return this.finish(arm, evidence, startedAt, group, run, flags['dry-run'], ending, exitCode)
  }

  // ------------------------------------------------------------------------------------------- the steps

  private async chooseGroup(groups: GeoGroup[], given: string | undefined, resourceGroup: string | undefined): Promise<GeoGroup> {
    if (groups.length === 1) {
      const g = groups[0]
      const how = given ? 'from --group' : resourceGroup ? `the only group with a member in resource group ${resourceGroup}` : 'the only group visible'
      await this.show('group', groupBlocks(g, how))
      return g
    }
    const {select} = await import('@inquirer/prompts')
    const question = plainText(given ? `${groups.length} groups are named "${given}": which one?` : 'which group is hit by the incident?')
    const choices = groups.map((g) => ({value: g, name: plainText(`${g.nickname} (${g.status}): ${g.members.map((m) => label(m)).join(', ')}`)}))
    const picked = await this.ask('group', question, (signal) => select({message: question, choices}, {output: process.stderr, signal}), (g) => choices.find((c) => c.value === g)!.name)
    await this.show('group', groupBlocks(picked, 'picked from the list'))
    return picked
  }

  /** The member to force-unlink, or null to stop here. */
  private async decide(a: Assessment): Promise<MemberStatus | null> {
    const {recommendation: rec} = a
    if (rec.candidates.length === 0) {
      await this.show('decision', [{kind: 'line', text: `nothing to decide: ${rec.title}`, mark: rec.kind === 'nothing-failing' ? 'ok' : 'bad'}])
      return null
    }
    const prompts = await import('@inquirer/prompts')
    if (rec.candidates.length > 1) {
      const question = plainText(`recommended: ${rec.title}. Force-unlink which member?`)
      const choices = [
        ...rec.candidates.map((m) => ({value: m as MemberStatus | null, name: plainText(`force-unlink ${m.name} (${m.location ?? 'location unknown'})`)})),
        {value: null, name: 'none: stop here and redirect clients only'},
      ]
      return this.ask('decision', question, (signal) => prompts.select({message: question, choices}, {output: process.stderr, signal}), (m) => (m ? `force-unlink ${m.name}` : 'none'))
    }
    const target = rec.candidates[0]
    const question = plainText(`recommended: ${rec.title}. Go on to force-unlink ${target.name}?`)
    const yes = await this.ask('decision', question, (signal) => prompts.confirm({message: question, default: false}, {output: process.stderr, signal}), (v) => (v ? 'yes' : 'no'))
    return yes ? target : null
  }

  /** Steps 7 to 9 through runGuarded, as force-unlink runs them; a dry run rehearses the confirmation too. */
  private async unlink(arm: ArmPort, prepared: PreparedOperation, options: {evidence: EvidenceSettings; abortSignal: AbortSignal; deadlineMs: number}): Promise<GuardedResult> {
    const {plan, verdict} = planBlocks(prepared)
    const asks = !prepared.guards.refusal && !prepared.plan.nothingToDo
    // when it asks, the confirmation prompt shows the plan right above the question: log it, do not print it twice
    await this.show('plan', asks ? [verdict] : [plan, verdict])
    if (asks) this.journal.add('plan', [plan])
    // the spinner starts once the operator has confirmed
    const running: {progress: Progress | null} = {progress: null}
    const onProgress: ProgressReporter = (text, kind) => {
      if (kind === 'step') this.journal.add('execute', [{kind: 'line', text}])
      if (kind === 'step') running.progress?.note(`  ${text}`)
      else running.progress?.update(text)
    }
    let consent: GuardResult | null = null
    const confirm = async (p: PreparedOperation): Promise<ConsentAnswer> => {
      const answer = await askConsent(p, {yes: false})
      const question = `type the group nickname (${p.plan.group.nickname}) to force-unlink ${p.plan.target?.name ?? ''}`
      this.journal.add('confirm', [answerBlock(question, answer.interrupted ? 'Ctrl-C' : (answer.given ?? `none (${answer.how})`))])
      const {guard} = consentGuard(p.plan.group.nickname, answer.given, answer.how)
      consent = guard
      await this.show('confirm', consentBlocks(guard, p.plan.dryRun))
      if (guard.result === 'pass' && !p.plan.dryRun) {
        process.stderr.write(`${stepHeader('execute')}\n`)
        this.current = 'execute'
        running.progress = this.progress(`force-unlink ${p.plan.target?.name ?? ''}`)
      }
      return answer
    }
    if (asks && prepared.plan.dryRun) {
      // runGuarded never asks in a dry run: rehearse the very same prompt here
      const answer = await confirm(prepared)
      if (answer.interrupted) throw new Stopped('interrupted', 'type the group nickname')
      // a rehearsal ends where the real run would: a wrong nickname cancels
      const refused = consent as GuardResult | null
      if (refused?.result === 'refuse') throw new Stopped('cancelled', 'type the group nickname', `dry run: ${refused.detail}, so a real run would be cancelled`)
    }
    try {
      const result = await runIncidentUnlink(arm, prepared, {evidence: options.evidence, abortSignal: options.abortSignal, deadlineMs: options.deadlineMs, onProgress, consent: confirm})
      running.progress?.stop()
      if (result.operation || result.outcome === 'dry-run') await this.show('execute', executeBlocks(result))
      return result
    } finally {
      running.progress?.stop()
    }
  }

  /** Step 10 (evidence) and 11 (rejoin), then the log is written and the result returned. */
  private async finish(arm: ArmPort, settings: EvidenceSettings, startedAt: string, group: GeoGroup, run: Run, dryRun: boolean, ending: RunbookEnding, exitCode: number): Promise<CommandOutcome> {
    const evidence = run.unlink ? await RunbookEvidence.attach(run.unlink.evidence.dir, settings) : await RunbookEvidence.open(arm, group.nickname, settings)
    await this.show('evidence', evidenceBlocks(evidence.dir, run.unlink))
    const unlinked = run.target && run.unlink && ['succeeded', 'dry-run', 'nothing-to-do'].includes(run.unlink.outcome)
    if (unlinked) await this.show('rejoin', listBlocks(rejoinSteps(group.nickname, run.target!, run.assessment?.connection)))
    this.journal.skipAfter('group', ending.why)
    const record: RunbookRecord = {
      group: {nickname: group.nickname, key: group.key},
      startedAt,
      outcome: ending.outcome,
      decision: ending.decision,
      stop: ending.stop,
      dryRun,
      target: run.target,
      assessment: run.assessment,
      answers: this.journal.answers(),
      unlink: run.unlink,
      nextSteps: ending.nextSteps,
    }
    const markdown = this.journal.markdown({nickname: group.nickname, startedAt, finishedAt: new Date().toISOString(), dryRun, outcome: `${ending.outcome}: ${ending.decision}`})
    const digest = await evidence.finish(record, markdown)
    const result: RunbookResult = {
      action: RUNBOOK_ACTION,
      group: record.group,
      outcome: ending.outcome,
      decision: ending.decision,
      dryRun,
      recommendation: run.assessment?.recommendation ?? null,
      target: run.target ? {id: run.target.id, name: run.target.name} : null,
      forceUnlink: run.unlink,
      evidence: {dir: evidence.dir, digest},
      answers: record.answers,
      nextSteps: ending.nextSteps,
    }
    return {data: result, exitCode, human: () => `\n${renderRunbookSummary(result, exitCode)}`}
  }

  // ------------------------------------------------------------------------------------------- terminal and log

  /** Prints the step's header once, then its blocks on stderr (stdout is the final summary), and logs them. */
  private async show(step: StepId, blocks: Block[]): Promise<void> {
    this.enter(step)
    const text = await renderTerminal(blocks)
    if (text) process.stderr.write(`${text}\n`)
    this.journal.add(step, blocks)
  }

  private enter(step: StepId): void {
    if (step === this.current) return
    process.stderr.write(`${stepHeader(step)}\n`)
    this.current = step
  }

  /** One of the runbook's own questions; the answer goes to the log, Ctrl-C and silence stop the run. */
  private async ask<T>(step: StepId, question: string, prompt: (signal: AbortSignal) => Promise<T>, answer: (value: T) => string): Promise<T> {
    this.enter(step)
    try {
      // the prompt's text is plain (built with plainText above): only the prompt itself moves the cursor
      const value = await duringPrompt(() => prompt(AbortSignal.timeout(PROMPT_TIMEOUT_MS)))
      this.journal.add(step, [answerBlock(question, answer(value))])
      return value
    } catch (error) {
      const name = (error as Error).name
      if (name !== 'ExitPromptError' && name !== 'AbortPromptError') throw error
      const how = name === 'ExitPromptError' ? 'interrupted' : 'timeout'
      this.journal.add(step, [answerBlock(question, how === 'interrupted' ? 'Ctrl-C: interrupted' : `no answer within ${PROMPT_TIMEOUT_MS / 60_000} minutes`)])
      throw new Stopped(how, question)
    }
  }

  private async working<T>(text: string, work: (onProgress: ProgressReporter) => Promise<T>): Promise<T> {
    const progress = this.progress(text)
    try {
      const running = work((line, kind) => (kind === 'step' ? progress.note(`  ${line}`) : progress.update(line)))
      return await this.untilAborted(running, () => new Stopped('interrupted', text))
    } finally {
      progress.stop()
    }
  }

  /** Ctrl-C while reading or probing: stop before the next question. */
  private stopIfAborted(signal: AbortSignal, during: string): void {
    if (signal.aborted) throw new Stopped('interrupted', during)
  }
}

function noTerminal(group: string | undefined, connection: string[]): UsageError {
  const g = group ?? '<nickname>'
  return new UsageError(
    'the incident runbook asks questions and needs a terminal (stdin and stdout TTYs, CI unset, no --json)',
    `in automation: assess with ${suggestCommand(['check', '--group', g, '--probe'], connection)}, rehearse with ${suggestCommand(['force-unlink', '--group', g, '--member', '<member>', '--dry-run'], connection)}, then run that plan with --plan <its evidence folder>, adding the consent flags (--yes and --confirm with the nickname) knowingly`,
    'TerminalRequired',
  )
}
