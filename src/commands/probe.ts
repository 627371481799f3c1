import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {probingPorts} from '../cli/composition.js'
import {dataPlaneFlags, dataPlaneTarget, groupFlags, groupScope, warnUnread} from '../cli/flags.js'
import {armFlags} from '../cli/settings.js'
import {probeExitCode} from '../domain/outcome.js'
import {renderProbe} from '../output/probe.js'
import {runProbe} from '../services/probe.js'

export default class Probe extends BaseCommand {
  static override summary = 'reachability, latency and memory of every member, seen from here'
  static override description = `Connects to every member of the group in parallel (host name and database port, TLS verified when the database is Encrypted), times the TCP connect and TLS handshake, sends --samples PINGs and reads INFO server, memory and stats. Failures are classified: dns, refused, timeout, tls, auth, other, with the underlying message.

--canary also writes a short-lived key on each member and polls every other member for it: the N×N replication-lag matrix. The canary measures; it does not change the exit code (use \`geo-redis check --canary\` to judge lag).

Every member of the group is a row: one ARM cannot read (a region that does not answer, no access, deleted) is listed with why, and dialled when its endpoint is known (the host ARM's cluster list still shows, Azure's port 10000), without credentials unless --auth entra. The count says how many of all the members answered.

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
