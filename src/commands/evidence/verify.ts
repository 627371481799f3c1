import {Args, Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {verifyExitCode} from '../../domain/outcome.js'
import {renderVerify} from '../../output/plan.js'
import {verifyEvidence} from '../../services/verify.js'

export default class EvidenceVerify extends BaseCommand {
  static override summary = 'recompute an evidence bundle\'s hashes and say whether it is intact'
  static override description = `Checks every file listed in manifest.json against its SHA-256 and size, and that nothing else is in the folder, then prints the bundle's digest: the SHA-256 of manifest.json.

A manifest alone only shows the files match it: whoever can rewrite the files can rewrite the manifest too. Keep the digest that the command which wrote the bundle printed (in the ticket, the change record) and pass it with --expect: then any rewrite, manifest included, fails (docs/evidence.md).

Exit 0 intact, complete and (with --expect) the expected digest · 1 a file is modified, missing or unexpected, the bundle is incomplete (the run that wrote it never finished), or the digest differs · 2 the folder or its manifest does not exist, or --expect is not a digest.`

  static override examples = [
    '<%= config.bin %> evidence verify ./geo-redis-evidence/20261121T194012Z-geo-force-unlink',
    '<%= config.bin %> evidence verify ./geo-redis-evidence/20261121T194012Z-geo-force-unlink --expect 3f1c…',
  ]

  static override args = {
    dir: Args.string({description: 'the bundle folder', required: true}),
  }

  static override flags = {
    expect: Flags.string({description: 'the digest recorded when the bundle was written (64 hex digits): fail unless the manifest is that one'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parse(EvidenceVerify)
    const result = await verifyEvidence(args.dir, {expect: flags.expect})
    return {data: result, exitCode: verifyExitCode(result), human: () => renderVerify(result)}
  }
}
