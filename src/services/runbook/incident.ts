// `geo-redis runbook incident` as a use case: the step machine of docs/runbook.md. It asks only through the Prompter
// and shows only through the Display, so every step, branch and timeout runs in a unit test with scripted answers.
// Every question, answer and result is kept in the journal and sealed into the evidence, however the run ends.
import type {CapacityThresholds} from '../../domain/capacity.js'
import {InterruptedError, UsageError} from '../../domain/errors.js'
import {label} from '../../domain/group.js'
import {consentGuard, type GuardResult} from '../../domain/guards.js'
import {rejoinSteps, type IncidentMember, type Recommendation, type StepId} from '../../domain/incident.js'
import type {GeoGroup} from '../../domain/model.js'
import type {Outcome, RunbookEnd} from '../../domain/outcome.js'
import type {SavedPlan} from '../../domain/plans.js'
import {suggestCommand} from '../../domain/suggest.js'
import {plainText} from '../../shared/text.js'
import {untilAborted} from '../abort.js'
import {askNickname, waitedFor} from '../guarded/consent.js'
import {probeLines, type EvidenceSettings} from '../guarded/decision-evidence.js'
import type {ConsentAnswer, GuardedResult} from '../guarded/lifecycle.js'
import type {PreparedOperation} from '../guarded/prepare.js'
import type {Answer, GuardedPorts, Progress, Prompter, ProgressReporter} from '../ports.js'
import type {ProbeSettings, ProbeSummary} from '../probe.js'
import {assessIncident, incidentGroups, planIncidentUnlink, runIncidentUnlink, type Assessment, type GroupChoice} from './assess.js'
import type {Display} from './display.js'
import {endAfterUnlink, endStopped, endWithoutUnlink, type RunbookEnding} from './ending.js'
import {RUNBOOK_ACTION, RunbookEvidence, type RunbookAnswer, type RunbookRecord} from './evidence.js'
import {RunbookJournal, type RunbookEvent} from './journal.js'

export interface IncidentPorts extends GuardedPorts {
  prompter: Prompter
  display: Display
}

export interface IncidentOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  /** the group's nickname (--group, or the saved plan's); none: the only group visible, else the operator picks */
  group?: string
  resourceGroup?: string
  dryRun: boolean
  probe: ProbeSettings
  thresholds: CapacityThresholds
  /** --plan: the rehearsal's force-unlink plan */
  plan?: SavedPlan
  /** the ARM selection flags, repeated in every command suggested */
  connection: string[]
  evidence: EvidenceSettings
  /** aborted with the signal's name (BaseCommand): stop before the next question, or stop following the force-unlink */
  abortSignal?: AbortSignal
  deadlineMs: number
  now?: () => Date
}

/** What `geo-redis runbook incident` returns. */
export interface RunbookResult {
  action: typeof RUNBOOK_ACTION
  group: {nickname: string; key: string}
  outcome: Outcome
  /** what ended the run: its exit code follows (domain/outcome.ts runbookExitCode) */
  endedBy: RunbookEnd
  decision: string
  dryRun: boolean
  recommendation: Recommendation | null
  target: {id: string; name: string} | null
  forceUnlink: GuardedResult | null
  /** one bundle: force-unlink's when the run got that far, with the runbook's log added; digest: of its sealed manifest */
  evidence: {dir: string; digest: string}
  answers: RunbookAnswer[]
  nextSteps: string[]
}

/** Off a terminal the runbook cannot ask: the flag-driven commands that do the same, before any network call. */
export function terminalRequired(group: string | undefined, connection: string[]): UsageError {
  const g = group ?? '<nickname>'
  return new UsageError(
    'the incident runbook asks questions and needs a terminal (stdin and stdout TTYs, CI unset, no --json)',
    `in automation: assess with ${suggestCommand(['check', '--group', g, '--probe'], connection)}, rehearse with ${suggestCommand(['force-unlink', '--group', g, '--member', '<member>', '--dry-run'], connection)}, then run that plan with --plan <its evidence folder>, adding the consent flags (--yes and --confirm with the nickname) knowingly`,
    'TerminalRequired',
  )
}

/** Ctrl-C or no answer at one of the runbook's own questions, or a rehearsed confirmation that would cancel. */
class Stopped extends Error {
  constructor(
    readonly how: 'interrupted' | 'timeout' | 'cancelled',
    message: string,
  ) {
    super(message)
  }
}

/** Runs the incident runbook to its end and seals its evidence; throws only what ends it before a group is picked, or a step's error. */
export function runIncident(ports: IncidentPorts, options: IncidentOptions): Promise<RunbookResult> {
  return new IncidentRun(ports, options).run()
}

class IncidentRun {
  private readonly journal = new RunbookJournal()
  private readonly startedAt: string
  private assessment: Assessment | null = null
  private probe: ProbeSummary | null = null
  private target: IncidentMember | null = null
  private unlinked: GuardedResult | null = null

  constructor(
    private readonly ports: IncidentPorts,
    private readonly options: IncidentOptions,
  ) {
    this.startedAt = this.now().toISOString()
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  async run(): Promise<RunbookResult> {
    const {choice, group} = await this.pickGroup()
    let ending: RunbookEnding
    try {
      ending = await this.steps(choice, group)
    } catch (error) {
      if (!(error instanceof Stopped)) {
        // the log of what happened so far is worth keeping even when a step failed
        const message = error instanceof Error ? error.message : String(error)
        await this.finish(group, endStopped(group.nickname, 'error', message, this.options.connection)).catch(() => undefined)
        throw error
      }
      ending = endStopped(group.nickname, error.how, error.message, this.options.connection)
    }
    return this.finish(group, ending)
  }

  /** Step "group"; nothing about a group was read yet when it stops here: no evidence to write. */
  private async pickGroup(): Promise<{choice: GroupChoice; group: GeoGroup}> {
    const {subscriptions, group, resourceGroup} = this.options
    try {
      const choice = await this.working('reading the groups', () => incidentGroups(this.ports.arm, {subscriptions, selection: {group, resourceGroup}}))
      return {choice, group: await this.chooseGroup(choice.groups)}
    } catch (error) {
      if (error instanceof Stopped && error.how === 'interrupted') throw new InterruptedError('interrupted before a group was picked; nothing was sent')
      if (error instanceof Stopped) throw new UsageError('no group was picked', 'pass --group <nickname>')
      throw error
    }
  }

  private async chooseGroup(groups: GeoGroup[]): Promise<GeoGroup> {
    const {group: given, resourceGroup} = this.options
    if (groups.length === 1) {
      const how = given ? 'from --group' : resourceGroup ? `the only group with a member in resource group ${resourceGroup}` : 'the only group visible'
      await this.show('group', [{kind: 'group', group: groups[0], how}])
      return groups[0]
    }
    const question = plainText(given ? `${groups.length} groups are named "${given}": which one?` : 'which group is hit by the incident?')
    const choices = groups.map((g) => ({value: g, name: plainText(`${g.nickname} (${g.status}): ${g.members.map((m) => label(m)).join(', ')}`)}))
    const picked = await this.ask('group', question, () => this.ports.prompter.select(question, choices), (g) => choices.find((c) => c.value === g)!.name)
    await this.show('group', [{kind: 'group', group: picked, how: 'picked from the list'}])
    return picked
  }

  /** Steps "status" to "execute": the assessment, the decision, then force-unlink's own plan, confirmation and run. */
  private async steps(choice: GroupChoice, group: GeoGroup): Promise<RunbookEnding> {
    const {probe, thresholds, connection} = this.options
    const assessed = await this.working('probing the members', (onProgress) => assessIncident(this.ports, group, {probe, thresholds, onProgress, connection}))
    const a = (this.assessment = assessed.assessment)
    this.probe = assessed.probe
    await this.show('status', [{kind: 'status', assessment: a}])
    await this.show('diagnosis', [{kind: 'diagnosis', assessment: a}])
    await this.show('recommendation', [{kind: 'recommendation', recommendation: a.recommendation}])
    await this.show('endpoints', [{kind: 'endpoints', assessment: a}])
    if (this.options.abortSignal?.aborted) throw new Stopped('interrupted', 'Ctrl-C at "probing the members"')

    const target = (this.target = await this.decide(a))
    if (!target) return endWithoutUnlink(a)
    const {subscriptions, resourceGroup, dryRun, plan} = this.options
    const prepared = await this.working('building the force-unlink plan', (onProgress) =>
      planIncidentUnlink(this.ports, a, target, {
        subscriptions,
        resourceGroup,
        dryRun,
        probe,
        // the plan is built from what the runbook read and probed: no second wait for the failing member
        known: {startedAt: this.startedAt, inventory: choice.inventory, probe: assessed.probe},
        onProgress,
        plan,
      }),
    )
    this.unlinked = await this.unlink(prepared)
    return endAfterUnlink(this.unlinked, a, target)
  }

  /** Step "decision": the member to force-unlink, or null to stop here. */
  private async decide(a: Assessment): Promise<IncidentMember | null> {
    const {recommendation: rec} = a
    const {prompter} = this.ports
    if (rec.candidates.length === 0) {
      await this.show('decision', [{kind: 'note', text: `nothing to decide: ${rec.title}`, mark: rec.kind === 'nothing-failing' ? 'ok' : 'bad'}])
      return null
    }
    if (rec.candidates.length > 1) {
      const question = plainText(`recommended: ${rec.title}. Force-unlink which member?`)
      const choices = [
        ...rec.candidates.map((m) => ({value: m, name: plainText(`force-unlink ${m.name} (${m.location ?? 'location unknown'})`)})),
        {value: null, name: 'none: stop here and redirect clients only'},
      ]
      return this.ask('decision', question, () => prompter.select(question, choices), (m) => (m ? `force-unlink ${m.name}` : 'none'))
    }
    const target = rec.candidates[0]
    const question = plainText(`recommended: ${rec.title}. Go on to force-unlink ${target.name}?`)
    const yes = await this.ask('decision', question, () => prompter.confirm(question), (v) => (v ? 'yes' : 'no'))
    return yes ? target : null
  }

  /** Steps "plan" to "execute" through runGuarded, as force-unlink runs them; a dry run rehearses the confirmation too. */
  private async unlink(prepared: PreparedOperation): Promise<GuardedResult> {
    const asks = !prepared.guards.refusal && !prepared.plan.nothingToDo
    const plan: RunbookEvent = {kind: 'plan', prepared, part: 'plan'}
    const verdict: RunbookEvent = {kind: 'plan', prepared, part: 'verdict'}
    // when it asks, the confirmation prompt shows the plan right above the question: log it, do not show it twice
    await this.show('plan', asks ? [verdict] : [plan, verdict])
    if (asks) this.journal.add('plan', [plan])
    const consent = new Confirmation(this)
    if (asks && prepared.plan.dryRun) await consent.rehearse(prepared)
    try {
      const {evidence, abortSignal, deadlineMs} = this.options
      const result = await runIncidentUnlink(this.ports, prepared, {evidence, abortSignal, deadlineMs, onProgress: consent.onProgress, consent: (p) => consent.ask(p)})
      consent.progress?.stop()
      if (result.operation || result.outcome === 'dry-run') await this.show('execute', [{kind: 'execute', result}])
      return result
    } finally {
      consent.progress?.stop()
    }
  }

  /** Step "evidence" and "rejoin", then the log is written, the bundle sealed and the result returned. */
  private async finish(group: GeoGroup, ending: RunbookEnding): Promise<RunbookResult> {
    const {unlinked: unlink, target, assessment, probe, options} = this
    const evidence = unlink ? await RunbookEvidence.attach(unlink.evidence.dir, options.evidence) : await RunbookEvidence.open(this.ports.arm, group.nickname, options.evidence)
    await this.show('evidence', [{kind: 'evidence', dir: evidence.dir, unlink}])
    if (target && unlink && ['succeeded', 'dry-run', 'nothing-to-do'].includes(unlink.outcome)) {
      await this.show('rejoin', [{kind: 'list', items: rejoinSteps(group.nickname, target, assessment?.connection)}])
    }
    this.journal.skipAfter('group', ending.why)
    const record: RunbookRecord = {
      group: {nickname: group.nickname, key: group.key},
      startedAt: this.startedAt,
      outcome: ending.outcome,
      decision: ending.decision,
      stop: ending.stop,
      dryRun: options.dryRun,
      target,
      assessment,
      probes: probe ? probeLines(probe, [...group.members, ...group.unreadable]) : null,
      answers: this.journal.answers(),
      unlink,
      nextSteps: ending.nextSteps,
    }
    const heading = {nickname: group.nickname, startedAt: this.startedAt, finishedAt: this.now().toISOString(), dryRun: options.dryRun, outcome: `${ending.outcome}: ${ending.decision}`}
    const digest = await evidence.finish(record, await this.ports.display.transcript(this.journal.entries(), heading))
    return {
      action: RUNBOOK_ACTION,
      group: record.group,
      outcome: ending.outcome,
      endedBy: ending.endedBy,
      decision: ending.decision,
      dryRun: options.dryRun,
      recommendation: assessment?.recommendation ?? null,
      target: target ? {id: target.id, name: target.name} : null,
      forceUnlink: unlink,
      evidence: {dir: evidence.dir, digest},
      answers: record.answers,
      nextSteps: ending.nextSteps,
    }
  }

  /** Shows the step's events and keeps them for the log. */
  async show(step: StepId, events: RunbookEvent[]): Promise<void> {
    await this.ports.display.show(step, events)
    this.journal.add(step, events)
  }

  /** Keeps events for the log only: the terminal showed them another way (a prompt, a progress line). */
  log(step: StepId, events: RunbookEvent[]): void {
    this.journal.add(step, events)
  }

  /** One of the runbook's own questions; the answer goes to the log, Ctrl-C and silence stop the run. */
  private async ask<T>(step: StepId, question: string, prompt: () => Promise<Answer<T>>, text: (value: T) => string): Promise<T> {
    // the header first: the prompt is drawn below it
    this.ports.display.enter(step)
    const answer = await prompt()
    if ('value' in answer) {
      this.journal.add(step, [{kind: 'answer', question, answer: text(answer.value)}])
      return answer.value
    }
    const waited = waitedFor(this.ports.prompter)
    const interrupted = answer.unanswered === 'interrupted'
    this.journal.add(step, [{kind: 'answer', question, answer: interrupted ? 'Ctrl-C: interrupted' : `no answer within ${waited}`}])
    throw new Stopped(answer.unanswered, interrupted ? `Ctrl-C at "${question}"` : `no answer within ${waited} to "${question}"`)
  }

  /** A phase that reads or probes: shown as progress, and ended by a stop signal at once (nothing is sent yet). */
  private async working<T>(text: string, work: (onProgress: ProgressReporter) => Promise<T>): Promise<T> {
    const progress = this.ports.display.progress(text)
    try {
      const running = work((line, kind) => (kind === 'step' ? progress.note(`  ${line}`) : progress.update(line)))
      return await untilAborted(running, this.options.abortSignal, () => new Stopped('interrupted', `Ctrl-C at "${text}"`))
    } finally {
      progress.stop()
    }
  }

  get display(): Display {
    return this.ports.display
  }

  get prompter(): Prompter {
    return this.ports.prompter
  }
}

/** Step "confirm": the nickname typed at force-unlink's own prompt, and the progress of the run it lets go. */
class Confirmation {
  /** the spinner of step "execute", started once the operator has confirmed */
  progress: Progress | null = null
  private verdict: GuardResult | null = null

  constructor(private readonly run: IncidentRun) {}

  readonly onProgress: ProgressReporter = (text, kind) => {
    if (kind === 'step') {
      this.run.log('execute', [{kind: 'note', text}])
      this.progress?.note(`  ${text}`)
    } else this.progress?.update(text)
  }

  async ask(p: PreparedOperation): Promise<ConsentAnswer> {
    this.run.display.planAboveConsent(p)
    const answer = await askNickname(this.run.prompter, p.plan)
    const question = `type the group nickname (${p.plan.group.nickname}) to force-unlink ${p.plan.target?.name ?? ''}`
    this.run.log('confirm', [{kind: 'answer', question, answer: answer.interrupted ? 'Ctrl-C' : (answer.given ?? `none (${answer.how})`)}])
    const {guard} = consentGuard(p.plan.group.nickname, answer.given, answer.how)
    this.verdict = guard
    await this.run.show('confirm', [{kind: 'consent', guard, dryRun: p.plan.dryRun}])
    if (guard.result === 'pass' && !p.plan.dryRun) {
      this.run.display.enter('execute')
      this.progress = this.run.display.progress(`force-unlink ${p.plan.target?.name ?? ''}`)
    }
    return answer
  }

  /** runGuarded never asks in a dry run: the very same prompt is rehearsed here, and ends where a real run would. */
  async rehearse(prepared: PreparedOperation): Promise<void> {
    const answer = await this.ask(prepared)
    if (answer.interrupted) throw new Stopped('interrupted', 'Ctrl-C at "type the group nickname"')
    if (this.verdict?.result === 'refuse') throw new Stopped('cancelled', `dry run: ${this.verdict.detail}, so a real run would be cancelled`)
  }
}
