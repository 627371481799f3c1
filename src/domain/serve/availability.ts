// Lag-aware availability of one member, the policy behind serve's answers (docs/serve.md). Pure.
//
// Lag without clock sync: serve writes a heartbeat of member A every interval, stamped with serve's own clock, on A;
// replication carries it to B, where serve reads it back. lag(A→B), as of serve's last read on B, is the age of the
// oldest heartbeat of A written before that read and not seen there: 0 when B held the newest one written before the
// read. All on serve's one clock. It is within one interval below the true lag: its resolution is the interval.
//
// An active-passive pair: heartbeats are written on the primary only, so only primary→replica lag is judged.
//
// Policy: a member that did not answer serve's last round within the timeout is `bdb_endpoint_unavailable`. Without
// extend_check=lag, one that answers is available. With it, the member must also belong to the largest set of answering
// members that see each other's heartbeats within the tolerance, both ways (`bdb_unavailable` otherwise); when several
// sets are that large, the one whose first member comes first in the group's member order wins (a 2-member group whose
// link breaks keeps its first member, by location then id, available, so every client writes to the same side).
// `no_quorum`: fewer than half of the group's members answer serve, so serve cannot tell a member cut off from the
// others from others that are down (or serve itself cut off); it vouches for no lag then.

export type UnavailableCode = 'bdb_unavailable' | 'bdb_endpoint_unavailable' | 'no_quorum'

/** What serve last saw of one member. */
export interface Observed {
  /** the member's key (lower-cased id) */
  id: string
  /** answered serve's last round within the timeout */
  up: boolean
  /** serve writes heartbeats on it: every member of an active-active group, only the primary of an active-passive pair */
  writer: boolean
  /** when serve last read heartbeats here (sent after this time); null: never */
  readAt: number | null
  /** heartbeats of other members seen on this one: writer's key → serve time it was written (the newest seen) */
  seen: ReadonlyMap<string, number>
}

export interface LagContext {
  /** writer's key → serve times of its heartbeats written, ascending; empty when heartbeats are off */
  writes: ReadonlyMap<string, readonly number[]>
}

/** The first of `sorted` above `value`, by binary search. */
function firstAbove(sorted: readonly number[], value: number): number | undefined {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (sorted[mid] > value) high = mid
    else low = mid + 1
  }

  return sorted[low]
}

export type Verdict = {available: true} | {available: false; code: UnavailableCode; description: string}

/** lag(from→to) in ms; null when nothing of `from` was written or nothing read on `to` yet (or heartbeats are off). */
export function lagMs(from: string, to: Observed, context: LagContext): number | null {
  const writes = context.writes.get(from)
  if (!writes?.length || to.readAt === null) return null
  const unseen = firstAbove(writes, to.seen.get(from) ?? -Infinity)
  return unseen === undefined || unseen >= to.readAt ? 0 : to.readAt - unseen
}

/** Each way whose source writes (so a replica only needs its primary's writes), within the tolerance. */
function linked(a: Observed, b: Observed, toleranceMs: number, context: LagContext): boolean {
  const within = (from: Observed, to: Observed) => {
    if (!from.writer) return true
    const lag = lagMs(from.id, to, context)
    return lag !== null && lag <= toleranceMs
  }
  return within(a, b) && within(b, a)
}

/**
 * The largest set of answering members, in `members`' order, that see each other within the tolerance; ties go to
 * the set whose members come first in that order. Exhaustive over subsets up to 10 answering members (a group has a
 * handful), greedy in order beyond.
 */
export function largestLinkedSet(members: readonly Observed[], toleranceMs: number, context: LagContext): Observed[] {
  const up = members.filter((m) => m.up)
  const edge = up.map((a) => up.map((b) => a === b || linked(a, b, toleranceMs, context)))
  const isClique = (picked: number[]) => picked.every((i) => picked.every((j) => edge[i][j]))
  if (up.length > 10) {
    const picked: number[] = []
    for (let i = 0; i < up.length; i++) if (isClique([...picked, i])) picked.push(i)
    return picked.map((i) => up[i])
  }

  // sets as bit masks (bit i: up[i]), as this runs for every group every interval and for every availability request
  const linkedTo = edge.map((row) => row.reduce((mask, isLinked, j) => (isLinked ? mask | (1 << j) : mask), 0))
  let best = 0
  let bestSize = 0
  for (let mask = 1; mask < 1 << up.length; mask++) {
    const size = bits(mask)
    if (size < bestSize || !isCliqueMask(mask, linkedTo)) continue
    if (size > bestSize || comesFirst(mask, best)) {
      best = mask
      bestSize = size
    }
  }

  return up.filter((_, i) => best & (1 << i))
}

function bits(mask: number): number {
  let count = 0
  for (let m = mask; m; m &= m - 1) count++
  return count
}

/** Every member of `mask` linked to every other. */
function isCliqueMask(mask: number, linkedTo: readonly number[]): boolean {
  for (let m = mask; m; m &= m - 1) if ((mask & ~linkedTo[31 - Math.clz32(m & -m)]) !== 0) return false
  return true
}

/** Of two sets of one size, `a` when its list of indices comes first: the lowest index in one but not both is a's. */
function comesFirst(a: number, b: number): boolean {
  const diff = a ^ b
  return (a & diff & -diff) !== 0
}

/** The largest lag between `member` and the others of `set`, either way (for the description). */
function worstLag(member: Observed, others: readonly Observed[], context: LagContext): number | null {
  const lags = others.filter((o) => o.id !== member.id).flatMap((o) => [lagMs(member.id, o, context), lagMs(o.id, member, context)])
  const known = lags.filter((l): l is number => l !== null)
  return known.length ? Math.max(...known) : null
}

const ENDPOINT_DOWN: Verdict = {available: false, code: 'bdb_endpoint_unavailable', description: 'the endpoint did not answer serve within the timeout'}

/**
 * The verdict on every member of a group (`members` in the group's member order), the largest set found once.
 * `toleranceMs` null: no lag check. With heartbeats off (`writes` empty) the lag check cannot be made and
 * availability is the answer alone.
 */
export function verdicts(members: readonly Observed[], toleranceMs: number | null, context: LagContext): Map<string, Verdict> {
  const result = new Map<string, Verdict>()
  const up = members.filter((m) => m.up)
  for (const m of members) if (!m.up) result.set(m.id, ENDPOINT_DOWN)
  if (toleranceMs === null || context.writes.size === 0) {
    for (const m of up) result.set(m.id, {available: true})
    return result
  }

  if (up.length * 2 < members.length) {
    const description = `only ${up.length} of ${members.length} members answer serve: their lag cannot be judged`
    for (const m of up) result.set(m.id, {available: false, code: 'no_quorum', description})
    return result
  }

  const set = new Set(largestLinkedSet(members, toleranceMs, context))
  for (const m of up) {
    if (set.has(m)) result.set(m.id, {available: true})
    else {
      const worst = worstLag(m, up, context)
      const lag = worst === null ? 'unknown' : `${Math.round(worst)} ms`
      const description = `not in the largest set of members replicating within ${toleranceMs} ms (${set.size} of ${members.length}); its worst lag is ${lag}`
      result.set(m.id, {available: false, code: 'bdb_unavailable', description})
    }
  }

  return result
}

/** The verdict on `id` within its group (see verdicts). */
export function availability(members: readonly Observed[], id: string, toleranceMs: number | null, context: LagContext): Verdict {
  return verdicts(members, toleranceMs, context).get(id) ?? ENDPOINT_DOWN
}
