import {Args} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {verifyBundle} from '../../evidence/verify.js'
import {renderVerify} from '../../output/plan.js'

export default class EvidenceVerify extends BaseCommand {
  static override summary = 'recompute an evidence bundle\'s hashes and say whether it is intact'
  static override description = `Checks every file listed in manifest.json against its SHA-256 and size, and that nothing else is in the folder. Exit 0 intact and complete · 1 a file is modified, missing or unexpected, or the bundle is incomplete (the run that wrote it never finished) · 2 the folder or its manifest does not exist.`

  static override examples = ['<%= config.bin %> evidence verify ./geo-redis-evidence/20261121T194012Z-geo-force-unlink']

  static override args = {
    dir: Args.string({description: 'the bundle folder', required: true}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args} = await this.parse(EvidenceVerify)
    const result = await verifyBundle(args.dir)
    return {data: result, exitCode: result.intact && result.complete ? 0 : 1, human: () => renderVerify(result)}
  }
}
