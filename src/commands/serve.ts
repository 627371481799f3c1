import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {serveListener} from '../cli/composition.js'
import {collectStartUpGarbage, keepYoungGenerationSmall} from '../cli/heap.js'
import {listenOptionsOf, serveFlags, watchSettingsOf, watchSourceOf} from '../cli/serve-flags.js'
import {serveExitCode} from '../domain/outcome.js'
import {runServe} from '../services/serve/run.js'

export default class Serve extends BaseCommand {
  static override summary = 'lag-aware availability for client health checks, metrics, memory runway'
  static override description = `Watches the members of one or more groups (a PING, a heartbeat written on each member and read on every other, used memory sampled, every --interval-ms) and answers the part of the Redis Software REST API that the lag-aware health checks of Jedis, redis-py, go-redis and Lettuce call: GET /v1/bdbs, GET /v1/bdbs/<uid>/availability?extend_check=lag&availability_lag_tolerance_ms=<ms> (and the /v1/local forms). Also GET /metrics (Prometheus), GET /healthz and GET /v1/status (the JSON status document). Answers come from the current state, never from a Redis round trip.

HTTPS with --tls-cert and --tls-key; plain HTTP only on a loopback address. One log line per change of a member's state on stderr. SIGTERM stops it cleanly (exit 0). See docs/serve.md for the availability policy, the heartbeat keys and the client settings.`

  static override examples = [
    '<%= config.bin %> serve --profile sandbox --listen 127.0.0.1:9443',
    '<%= config.bin %> serve --group geo --listen 0.0.0.0:9443 --tls-cert serve.pem --tls-key serve-key.pem --basic-auth-file auth',
    '<%= config.bin %> serve --group geo --group orders --lag-tolerance-ms 500 --no-heartbeat',
    '<%= config.bin %> serve --group-file groups.yaml --listen 127.0.0.1:9443',
  ]

  static override flags = serveFlags

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Serve)
    const listen = listenOptionsOf(flags)
    const {source, heartbeats} = await watchSourceOf(flags)
    const signal = this.abortSignal
    keepYoungGenerationSmall()
    collectStartUpGarbage()
    const result = await runServe(await serveListener(listen), {
      source,
      heartbeats,
      settings: watchSettingsOf(flags),
      signal,
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    })
    return {data: result, exitCode: serveExitCode(result.stoppedBy)}
  }
}
