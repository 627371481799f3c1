// The runbook's memory runway: how fast each survivor's used memory grows while a member is down, from samples taken
// during the run (the assessment's probe, then a few more, `everyMs` apart), and how long until --crit at that rate.
// Its words join the recommendation: "at this rate eastus reaches 85% in 23 min", or "rate not known yet".
import {idKey} from '../../domain/ids.js'
import type {IncidentMember} from '../../domain/incident.js'
import type {GeoGroup} from '../../domain/model.js'
import type {MemberProbe} from '../../domain/probe.js'
import {formatMinutes, runwayOf, type MemorySample, type Runway} from '../../domain/runway.js'
import type {ProbingPorts} from '../ports.js'
import {probeMembersOf, type ProbeSettings} from '../probe.js'

/** Samples of used memory per survivor, the assessment's probe counting as the first; 1: that probe alone. */
export interface RunwaySampling {
  samples: number
  everyMs: number
  /** ms on one clock (tests) */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

interface SurvivorRunway {
  name: string
  label: string
  samples: number
  runway: Runway
}

/** A window that holds every sample of the run: the fit uses them all. */
const WHOLE_RUN_MS = 24 * 3_600_000

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function record(samples: Map<string, MemorySample[]>, probes: readonly MemberProbe[], atMs: number): void {
  for (const p of probes) {
    const used = p.memory?.usedBytes
    if (typeof used === 'number') samples.get(idKey(p.id))?.push({atMs, usedBytes: used})
  }
}

/**
 * The runway of each survivor at `thresholdPct` of its limit (maxmemory, else the SKU size: the assessment's memory
 * use). `first` is the assessment's probe, taken at `firstAt`; the further samples are bounded by the probe's timeout
 * and stop early when `signal` aborts.
 */
export async function survivorRunways(
  ports: ProbingPorts,
  group: GeoGroup,
  survivors: IncidentMember[],
  first: {probes: readonly MemberProbe[]; at: number},
  options: {probe: ProbeSettings; thresholdPct: number; sampling: RunwaySampling; signal?: AbortSignal},
): Promise<SurvivorRunway[]> {
  const {samples: wanted, everyMs, now = () => Date.now(), sleep = pause} = options.sampling
  const samples = new Map(survivors.map((s) => [idKey(s.id), [] as MemorySample[]]))
  record(samples, first.probes, first.at)
  const members = group.members.filter((m) => samples.has(idKey(m.id)))
  if (wanted > 1 && members.length > 0) {
    const settings = {...options.probe, samples: 1}
    for (let taken = 1; taken < wanted && !options.signal?.aborted; taken++) {
      await sleep(everyMs)
      const at = now()
      record(samples, (await probeMembersOf(ports, group, settings, members)).results, at)
    }
  }

  return survivors.map((s) => {
    const own = samples.get(idKey(s.id)) ?? []
    return {name: s.name, label: s.location ?? s.cluster, samples: own.length, runway: runwayOf(own, s.memory?.maxBytes ?? null, options.thresholdPct, WHOLE_RUN_MS)}
  })
}

/** The runway in the operator's words, one line per survivor. */
export function runwayReasons(runways: readonly SurvivorRunway[], thresholdPct: number): string[] {
  return runways.map(({label, samples, runway}) => {
    if (runway.thresholdBytes === null) return `${label}: no memory limit known, so no runway to ${thresholdPct}%`
    if (runway.minutesToThreshold === 0) return `${label} is already at or above ${thresholdPct}% of its memory`
    if (runway.growthBytesPerMin === null) return `${label}: memory growth rate not known yet (${samples} sample${samples === 1 ? '' : 's'} so far)`
    if (runway.minutesToThreshold === null) return `${label}: memory is not growing (${thresholdPct}% not in sight at this rate)`
    return `at this rate ${label} reaches ${thresholdPct}% in ${formatMinutes(runway.minutesToThreshold)}`
  })
}
