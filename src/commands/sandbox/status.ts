import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome} from '../../cli/profiles.js'
import {renderStatus} from '../../output/sandbox.js'
import {sandboxStatus} from '../../sandbox/control/status.js'

export default class SandboxStatus extends BaseCommand {
  static override summary = 'what the sandbox runs: processes, pids, ports and health'
  static override description = `Checks every process the sandbox started (alive, and still the program it started), the ARM emulator's health endpoint, a PING to each redis-server with its access key, and each group member's replication as the replicator reports it (replicating, linked to no member, not connected).

Exit 0 everything up (or no sandbox: "not running"), 1 something is down, including members in an outage drill.`

  static override examples = ['<%= config.bin %> sandbox status', '<%= config.bin %> sandbox status --json']

  protected async execute(): Promise<CommandOutcome> {
    await this.parse(SandboxStatus)
    const result = await sandboxStatus({home: geoRedisHome()})
    return {data: result, exitCode: result.problems.length > 0 ? 1 : 0, human: () => renderStatus(result)}
  }
}
