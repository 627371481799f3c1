import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {incidentPorts} from '../../cli/composition.js'
import {dataPlaneFlags, deadlineFlag, evidenceFlags, groupFlags, probeSettingsFrom, thresholdFlags, thresholdsOf} from '../../cli/flags.js'
import {savedPlanOf} from '../../cli/guarded.js'
import {checkOutputPath} from '../../cli/paths.js'
import {armFlags, connectionArgs, resolveArmSettings} from '../../cli/settings.js'
import {runbookExitCode} from '../../domain/outcome.js'
import {renderRunbookSummary} from '../../output/runbook.js'
import {runIncident, terminalRequired} from '../../services/runbook/incident.js'

export default class RunbookIncident extends BaseCommand {
  static override summary = 'guided response when a member is down: assess, decide, force-unlink, rejoin'
  static override description = `Walks you through docs/runbook.md on a terminal: pick the group, see every member's live status (ARM, probe, memory), the diagnosis and a recommendation (redirect clients only, or force-unlink now when the survivors' memory is at or above --warn/--crit), the survivors' endpoints, then decide. Going on shows force-unlink's own plan and guards, asks you to type the group nickname, runs it and verifies it, exactly as \`geo-redis force-unlink\` does. Every question, answer and result is logged to runbook.md in an evidence bundle, also when you stop early.

Needs a terminal: off one (or with --json) it exits 2 at once; use \`geo-redis force-unlink\` there (a dry run, then its plan with --plan and the consent flags).

With --plan, the force-unlink step executes exactly the plan a rehearsal (--dry-run) wrote, once a fresh read shows that nothing it was decided on moved.

Exit 0 done (stopped by choice, dry run, or unlinked and verified) · 1 the force-unlink failed, or its outcome is unknown (check before acting) · 2 no terminal, bad input, or refused by a guard or the confirmation · 130 interrupted (Ctrl-C, SIGHUP or SIGTERM).`

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
    ...thresholdFlags({warn: 'survivors at this % of memory used: recommend force-unlink', crit: 'survivors at this % of memory used: critical'}),
    deadline: deadlineFlag('15m'),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(RunbookIncident)
    const connection = connectionArgs(flags)
    // a script cannot answer questions: fail before any network call and name the command that takes flags
    if (!this.interactive || this.jsonEnabled()) throw terminalRequired(flags.group, connection)
    const thresholds = thresholdsOf(flags)
    checkOutputPath(flags['evidence-dir'], '--evidence-dir', 'folder')
    const settings = resolveArmSettings(flags)
    const probe = probeSettingsFrom(flags, settings)
    const plan = await savedPlanOf({plan: flags.plan, group: flags.group}, 'force-unlink')
    const evidence = this.evidenceSettings(flags['evidence-dir'], flags.reason)
    const abortSignal = this.abortSignal
    const ports = await incidentPorts(settings, connection, (text) => this.progress(text))
    try {
      const result = await runIncident(ports, {
        subscriptions: settings.subscriptions,
        group: flags.group ?? plan?.group.nickname,
        resourceGroup: flags['resource-group'],
        dryRun: flags['dry-run'],
        probe,
        thresholds,
        plan,
        connection,
        evidence,
        abortSignal,
        deadlineMs: flags.deadline,
        // the survivors' memory sampled 4 times, a second apart: the runway in the recommendation
        runway: {samples: 4, everyMs: 1000},
      })
      const exitCode = runbookExitCode(result)
      return {data: result, exitCode, human: () => `\n${renderRunbookSummary(result, exitCode)}`}
    } finally {
      ports.locks.release()
    }
  }
}
