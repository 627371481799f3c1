// An in-memory data plane for fast service tests: each member's Redis is up, down, or up and refusing the AUTH it was
// dialled with, with its memory and key count; the canary replicates between members that are up. Every dial is
// recorded (the target, never its password). The real probe and canary against redis-server are tested elsewhere.
import {idKey} from '../../domain/ids.js'
import {hostPort, type CanaryPair, type Dialled} from '../../domain/probe.js'
import type {DataPlane, DialOptions, RedisTarget} from '../../services/ports.js'

type FakeRedisState = 'up' | 'down' | 'dns'

interface FakeRedis {
  state: FakeRedisState
  usedBytes: number
  /** null: maxmemory not set */
  maxBytes: number | null
  keys: number
  /** the member speaks plaintext: a TLS dial gets no answer */
  plaintext?: boolean
}

interface Dial {
  id: string
  endpoint: string
  tls: boolean
  /** whether credentials were presented (never which) */
  withAuth: boolean
}

const MB = 1024 * 1024

export class FakeDataPlane implements DataPlane {
  readonly dials: Dial[] = []
  private readonly members = new Map<string, FakeRedis>()

  /** Every member not set is up: 10 MB used of 100 MB, no keys. */
  set(id: string, redis: Partial<FakeRedis>): this {
    this.members.set(idKey(id), {...this.of(id), ...redis})
    return this
  }

  of(id: string): FakeRedis {
    return this.members.get(idKey(id)) ?? {state: 'up', usedBytes: 10 * MB, maxBytes: 100 * MB, keys: 0}
  }

  async probe(targets: RedisTarget[], options: DialOptions): Promise<Dialled[]> {
    return targets.map((t) => this.dial(t, options))
  }

  private dial(target: RedisTarget, options: DialOptions): Dialled {
    const endpoint = hostPort(target)
    this.dials.push({id: target.id, endpoint, tls: target.tls, withAuth: target.auth !== null})
    const redis = this.of(target.id)
    const base: Dialled = {id: target.id, endpoint, reachable: false, answered: false, error: null, connectMs: null, tlsMs: null, pingMs: null, server: null, memory: null, keys: null}
    if (redis.state === 'dns') return {...base, error: {kind: 'dns', message: `getaddrinfo ENOTFOUND ${target.host}`}}
    if (redis.state === 'down') return {...base, error: {kind: 'refused', message: `connect ECONNREFUSED ${endpoint}`}}
    if (Boolean(redis.plaintext) === target.tls) return {...base, error: {kind: 'timeout', message: `connection timed out (budget ${options.timeoutMs ?? 2000} ms)`}}
    if (target.auth === null) return {...base, answered: true, error: {kind: 'auth', message: 'NOAUTH Authentication required.'}}
    const samples = Math.max(1, options.samples ?? 1)
    return {
      ...base,
      reachable: true,
      answered: true,
      connectMs: 0.1,
      tlsMs: target.tls ? 0.2 : null,
      pingMs: {min: 0.3, p50: 0.3, p99: 0.3},
      pingSamples: samples,
      server: {redisVersion: '7.4.0'},
      memory: {usedBytes: redis.usedBytes, maxBytes: redis.maxBytes, fragmentation: 1, evictedKeys: 0},
      keys: redis.keys,
    }
  }

  async canary(targets: RedisTarget[], options: {writers?: string[]} = {}): Promise<CanaryPair[]> {
    // only the writers write (an active-passive group's primary), as the real canary
    const writers = options.writers ? targets.filter((t) => options.writers!.includes(t.id)) : targets
    return writers.flatMap((from) =>
      targets.filter((to) => to !== from).map((to): CanaryPair => ({from: from.id, to: to.id, replicated: true, lagMs: 1, reason: null})),
    )
  }
}
