import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {probingPorts} from '../../cli/composition.js'
import {dataPlaneFlags, evidenceFlags, evidenceRootFlag, groupFlags, probeSettingsFrom} from '../../cli/flags.js'
import {checkOutputPath} from '../../cli/paths.js'
import {armFlags, resolveArmSettings} from '../../cli/settings.js'
import {renderCapture} from '../../output/plan.js'
import {captureEvidence} from '../../services/capture.js'

export default class EvidenceCapture extends BaseCommand {
  static override summary = 'write an evidence bundle of a group\'s current state, changing nothing'
  static override description = `For release pipelines: before.json (ARM state of every member and its links), probe.json with --probe, report.md and a manifest of SHA-256 hashes, in <out>/<UTC>-<nickname>-capture. Prints the folder.`

  static override examples = [
    '<%= config.bin %> evidence capture --group geo --out ./evidence',
    '<%= config.bin %> evidence capture --group geo --probe --json',
  ]

  static override flags = {
    ...armFlags,
    ...dataPlaneFlags,
    group: Flags.string({char: 'g', description: 'group nickname', required: true}),
    'resource-group': groupFlags['resource-group'],
    member: groupFlags.member,
    out: evidenceRootFlag('parent folder of the bundle'),
    probe: Flags.boolean({description: 'also probe every member from here (probe.json)'}),
    reason: evidenceFlags.reason,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(EvidenceCapture)
    checkOutputPath(flags.out, '--out', 'folder')
    const settings = resolveArmSettings(flags)
    const probe = flags.probe ? probeSettingsFrom(flags, settings) : null
    const ports = await probingPorts(settings)
    const evidence = this.evidenceSettings(flags.out, flags.reason)
    const result = await this.withProgress(`reading group ${flags.group}`, (onProgress) =>
      captureEvidence(ports, {subscriptions: settings.subscriptions, group: flags.group, resourceGroup: flags['resource-group'], member: flags.member, probe, evidence, onProgress}),
    )
    return {data: result, human: () => renderCapture(result)}
  }
}
