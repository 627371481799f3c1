// serve's /metrics: Prometheus text (prom-client) from the status document of the moment, plus the process metrics.
// Series without a value (a member that did not answer has no PING latency) are left out, not reported as 0.
import type {Gauge, Registry} from 'prom-client'
import type {StatusDocument} from '../domain/serve/status.js'

type Labels = Record<string, string>

interface Gauges {
  up: Gauge
  available: Gauge
  ping: Gauge
  lag: Gauge
  used: Gauge
  limit: Gauge
  headroom: Gauge
  growth: Gauge
  minutes: Gauge
  groupHealthy: Gauge
  groupLinked: Gauge
  groupMembers: Gauge
}

const MEMBER = ['group', 'member', 'uid']

/** Metric names and help: the list docs/serve.md gives. */
const SPECS: Record<keyof Gauges, [name: string, help: string, labels: string[]]> = {
  up: ['geo_redis_member_up', '1 when the member answered serve\'s last PING within the timeout', MEMBER],
  available: ['geo_redis_member_available', '1 when available with the lag check at the default tolerance', MEMBER],
  ping: ['geo_redis_member_ping_seconds', 'PING round trip of the last round', MEMBER],
  lag: ['geo_redis_replication_lag_seconds', 'age of the newest heartbeat of `from` seen on `to`, on serve\'s clock', ['group', 'from', 'to']],
  used: ['geo_redis_member_used_memory_bytes', 'used_memory from INFO memory', MEMBER],
  limit: ['geo_redis_member_memory_limit_bytes', 'maxmemory, or the SKU size when maxmemory is 0', MEMBER],
  headroom: ['geo_redis_member_memory_headroom_ratio', 'share of the limit still free (0 to 1)', MEMBER],
  growth: ['geo_redis_member_memory_growth_bytes_per_minute', 'used memory growth, Theil–Sen over a 5 min window', MEMBER],
  minutes: ['geo_redis_member_minutes_to_threshold', 'minutes until the force-unlink threshold at the current growth', MEMBER],
  groupHealthy: ['geo_redis_group_healthy', '1 when every member is available with the lag check', ['group']],
  groupLinked: ['geo_redis_group_members_linked', 'members in the largest set replicating within the default tolerance', ['group']],
  groupMembers: ['geo_redis_group_members', 'members of the group', ['group']],
}

export async function metricsRegistry(): Promise<{registry: Registry; update: (doc: StatusDocument) => void}> {
  const prom = await import('prom-client')
  const registry = new prom.Registry()
  prom.collectDefaultMetrics({register: registry, prefix: 'geo_redis_serve_'})
  const gauges = Object.fromEntries(
    Object.entries(SPECS).map(([key, [name, help, labelNames]]) => [key, new prom.Gauge({name, help, labelNames, registers: [registry]})]),
  ) as unknown as Gauges
  const set = (gauge: Gauge, labels: Labels, value: number | null) => {
    if (value !== null) gauge.set(labels, value)
  }

  const update = (doc: StatusDocument) => {
    for (const gauge of Object.values(gauges) as Gauge[]) gauge.reset()
    for (const group of doc.groups) {
      const g = {group: group.nickname}
      set(gauges.groupHealthy, g, group.status === 'healthy' ? 1 : 0)
      set(gauges.groupLinked, g, group.membersLinked)
      set(gauges.groupMembers, g, group.members.length)
      for (const m of group.members) {
        const labels = {...g, member: m.label, uid: String(m.uid)}
        set(gauges.up, labels, m.up ? 1 : 0)
        set(gauges.available, labels, m.availability.available ? 1 : 0)
        set(gauges.ping, labels, m.pingMs === null ? null : m.pingMs / 1000)
        for (const [peer, ms] of Object.entries(m.lagMs)) set(gauges.lag, {...g, from: m.label, to: peer}, ms == null ? null : ms / 1000)
        set(gauges.used, labels, m.memory.usedBytes)
        set(gauges.limit, labels, m.memory.limitBytes)
        set(gauges.headroom, labels, m.memory.headroomPct === null ? null : m.memory.headroomPct / 100)
        set(gauges.growth, labels, m.memory.growthBytesPerMin)
        set(gauges.minutes, labels, m.memory.minutesToThreshold)
      }
    }
  }

  return {registry, update}
}
