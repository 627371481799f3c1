import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {fileProbingPorts, probingPorts} from '../cli/composition.js'
import {dataPlaneFlags, dataPlaneTarget, groupFileFlag, groupFlags, groupScope, warnUnread} from '../cli/flags.js'
import {armFlags} from '../cli/settings.js'
import {probeExitCode} from '../domain/outcome.js'
import {renderProbe} from '../output/probe.js'
import {runFileProbe, runProbe} from '../services/probe.js'

export default class Probe extends BaseCommand {
  static override summary = 'reachability, latency and memory of every member, seen from here'
  static override description = `Connects to every member of the group in parallel (host name and database port, TLS verified when the database is Encrypted), times the TCP connect and TLS handshake, sends --samples PINGs and reads INFO server, memory and stats. Failures are classified: dns, refused, timeout, tls, auth, other, with the underlying message.

--canary also writes a short-lived key on each member and polls every other member for it: the N×N replication-lag matrix. The canary measures; it does not change the exit code (use \`geo-redis check --canary\` to judge lag).

Every member of the group is a row: one ARM cannot read (a region that does not answer, no access, deleted) is listed with why, and dialled when its endpoint is known (the host ARM's cluster list still shows, Azure's port 10000), without credentials unless --auth entra. The count says how many of all the members answered.

--group-file probes a group described in a file instead of ARM (Redis Cloud, Redis Enterprise Software, an active-passive pair: the canary then writes on the primary only); credentials come from the file's references, not --auth. See docs/group-file.md.

Exit 0 every member answered, 1 a member did not (or could not be read), 2 bad input (a bad group file too, before any connection). See docs/data-plane.md.`

  static override examples = [
    '<%= config.bin %> probe --profile sandbox',
    '<%= config.bin %> probe --group geo --resource-group rg-payments --canary',
    '<%= config.bin %> probe --group geo --auth entra --timeout-ms 5000 --json',
    '<%= config.bin %> probe --group geo --ca ./private-ca.pem --samples 50',
    '<%= config.bin %> probe --group-file groups.yaml --group payments --canary',
  ]

  static override flags = {
    ...armFlags,
    ...groupFlags,
    samples: Flags.integer({description: 'PING round trips per member (fewer when the PING phase runs out of --timeout-ms)', default: 20, min: 1, max: 1000}),
    canary: Flags.boolean({description: 'also write a canary key on each member and time its arrival on the others'}),
    ...dataPlaneFlags,
    ...groupFileFlag,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Probe)
    if (flags['group-file']) {
      const {caPem} = dataPlaneTarget({auth: 'keys', ca: flags.ca}, {})
      const options = {file: flags['group-file'], group: flags.group, caPem, samples: flags.samples, timeoutMs: flags['timeout-ms'], canary: flags.canary}
      const ports = await fileProbingPorts()
      const {probe} = await this.withProgress('reading the group file', (onProgress) => runFileProbe(ports, {...options, onProgress}))
      return {data: probe, exitCode: probeExitCode(probe), human: () => renderProbe(probe)}
    }
    const {settings, scope} = groupScope(flags)
    const target = dataPlaneTarget(flags, settings)
    const ports = await probingPorts(settings)
    const {probe, group, errors} = await this.withProgress('reading the group', (onProgress) =>
      runProbe(ports, {...scope, ...target, samples: flags.samples, timeoutMs: flags['timeout-ms'], canary: flags.canary, onProgress}),
    )
    // the table shows every member with why it was not read; JSON leaves the log without them
    warnUnread(this, errors, group.unreadable, 'probed only when its endpoint is known', !this.jsonEnabled())
    return {data: probe, exitCode: probeExitCode(probe), human: () => renderProbe(probe)}
  }
}
