// The sandbox's databases: one redis-server each, bound to its own loopback address at port 10000 (as each Azure
// cluster has its own host), requiring the access key ARM's
// listKeys returns, TLS-only with a leaf of the sandbox CA (unless plaintext), no persistence. Everything a restart
// needs (address, port, password, TLS files) lives in the member's redis.conf, so `sandbox restore` starts the same server.
// The process title carries a marker so the sandbox recognises its own redis-servers by command line.
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {Deadline, openConnection, type Connection, type RedisTarget} from '../../redis/connect.js'
import type {MemberRecord, ProcessRecord} from '../control/state.js'
import {spawnDetached, waitFor, stopProcess, type Spawned} from '../processes.js'

export const TITLE_MARKER = 'geo-redis-sandbox'
const READY_WITHIN_MS = 10_000

export const REDIS_INSTALL_HINT =
  'install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) so that redis-server is on PATH, ' +
  'or start only the ARM emulator: `geo-redis sandbox up --no-redis`'

export interface TlsFiles {
  cert: string
  key: string
  ca: string
}

/** redis.conf strings: double-quoted, backslash and quote escaped */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function redisConfig(member: Pick<MemberRecord, 'host' | 'port' | 'tls' | 'dir'>, password: string, tls: TlsFiles | null): string {
  const lines = [
    '# written by geo-redis sandbox up; the sandbox starts and stops this server',
    `bind ${member.host}`,
    'protected-mode yes',
    ...(member.tls && tls
      ? [
          'port 0',
          `tls-port ${member.port}`,
          `tls-cert-file ${quote(tls.cert)}`,
          `tls-key-file ${quote(tls.key)}`,
          `tls-ca-cert-file ${quote(tls.ca)}`,
          'tls-auth-clients no',
        ]
      : [`port ${member.port}`]),
    `requirepass ${quote(password)}`,
    'save ""',
    'appendonly no',
    `dir ${quote(member.dir)}`,
    `logfile ${quote(join(member.dir, 'redis.log'))}`,
    `pidfile ${quote(join(member.dir, 'redis.pid'))}`,
    'daemonize no',
    // the replicator listens to keyspace events (it sets this too, e.g. after a restart)
    'notify-keyspace-events KA',
    `proc-title-template "{title} {listen-addr} ${TITLE_MARKER}"`,
  ]
  return lines.join('\n') + '\n'
}

/** Command-line fragments of this member's redis-server (its process title). */
function redisMatch(member: Pick<MemberRecord, 'host' | 'port'>): string[] {
  return ['redis-server', `${member.host}:${member.port}`, TITLE_MARKER]
}

export function writeMemberConfig(member: MemberRecord, password: string, tls: TlsFiles | null): void {
  mkdirSync(member.dir, {recursive: true, mode: 0o700})
  writeFileSync(member.config, redisConfig(member, password, tls), {mode: 0o600})
}

export class PortInUseError extends Error {
  constructor(readonly address: string) {
    super(`${address} is already in use`)
    this.name = 'PortInUseError'
  }
}

/** The member as a Redis client reaches it: its address (which the sandbox certificate names) and port. */
export function memberTarget(member: Pick<MemberRecord, 'id' | 'host' | 'port' | 'tls'>, password: string, caPem: string | undefined): RedisTarget {
  return {
    id: member.id,
    host: member.host,
    port: member.port,
    tls: member.tls,
    ...(member.tls ? {ca: caPem} : {}),
    auth: {password},
  }
}

export interface PingResult {
  ok: boolean
  ms: number
  error?: string
}

/** One PING within `timeoutMs` (connect, TLS, AUTH included); `ms` is the PING round trip. */
export async function pingMember(target: RedisTarget, timeoutMs: number): Promise<PingResult> {
  let started = performance.now()
  let client: Connection['client'] | undefined
  try {
    ;({client} = await openConnection(target, {timeoutMs}))
    // the round trip of PING alone: connecting (and loading the client) is not the server's latency
    started = performance.now()
    const reply = await new Deadline(timeoutMs).race(client.ping(), 'PING')
    return {ok: reply === 'PONG', ms: Math.round(performance.now() - started), ...(reply === 'PONG' ? {} : {error: `unexpected reply ${String(reply)}`})}
  } catch (error) {
    return {ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message}
  } finally {
    client?.disconnect()
  }
}

/**
 * Starts the member's redis-server from its redis.conf and waits until it answers PING with its access key.
 * Throws PortInUseError when the port was taken, or an Error with the log's tail; a server that does not get
 * ready is stopped before throwing.
 */
export async function startRedisMember(
  member: MemberRecord,
  redisServer: string,
  target: RedisTarget,
  onSpawned: (record: ProcessRecord) => void,
): Promise<ProcessRecord> {
  const log = join(member.dir, 'redis.out')
  const spawned: Spawned = spawnDetached(redisServer, [member.config], {logFile: log, cwd: member.dir})
  const record: ProcessRecord = {pid: spawned.pid, match: redisMatch(member), log: join(member.dir, 'redis.log')}
  onSpawned(record)
  let last: PingResult | undefined
  const ready = await waitFor(
    async () => {
      if (spawned.hasExited()) return true
      last = await pingMember(target, 1000)
      return last.ok
    },
    READY_WITHIN_MS,
    100,
  )
  if (ready && !spawned.hasExited()) return record

  const tail = logTail(record.log, log)
  if (!spawned.hasExited()) await stopProcess(record, {graceMs: 2000})
  if (/Address already in use/i.test(tail)) throw new PortInUseError(`${member.host}:${member.port}`)
  const why = spawned.hasExited() ? 'exited' : `did not answer PING within ${READY_WITHIN_MS / 1000} s (${last?.error ?? 'no reply'})`
  throw new Error(`redis-server for ${member.cluster} on ${member.host}:${member.port} ${why}:\n${tail}`)
}

function logTail(...files: string[]): string {
  const lines: string[] = []
  for (const file of files) {
    try {
      lines.push(...readFileSync(file, 'utf8').trim().split('\n').slice(-8))
    } catch {
      // not written
    }
  }
  return lines.filter(Boolean).join('\n')
}
