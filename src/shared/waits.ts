// The run's board of waits: every ARM request, probe step, throttling pause and long-running operation says here
// what it waits for and how long it may take, so the progress line can always name what the run is waiting for
// ("waiting for westus2: ARM not answering, 12 s of 30 s") instead of spinning in silence.

export interface Wait {
  /** who is awaited: a region, a member, an operation */
  who: string
  /** why, in a few words: "ARM not answering", "Redis not answering", "throttled by ARM", "InProgress" */
  what: string
  /** the most this wait can last */
  boundMs: number
  startedAt: number
  /** a wait that others happen inside (an operation being followed): named only when nothing more precise is open */
  behind: boolean
}

export class WaitBoard {
  private readonly open = new Set<Wait>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers a wait; the returned function ends it (calling it twice is harmless). */
  begin(who: string, what: string, boundMs: number, options: {behind?: boolean} = {}): () => void {
    const wait: Wait = {who, what, boundMs, startedAt: this.now(), behind: options.behind ?? false}
    this.open.add(wait)
    return () => void this.open.delete(wait)
  }

  /** Runs `work` as one wait. */
  async during<T>(who: string, what: string, boundMs: number, work: () => Promise<T>): Promise<T> {
    const end = this.begin(who, what, boundMs)
    try {
      return await work()
    } finally {
      end()
    }
  }

  /**
   * The wait open the longest among those that have lasted `atLeastMs`, with how long so far; one in front (an ARM
   * request, a probe) before one behind it (the operation it polls for).
   */
  longest(atLeastMs = 0): (Wait & {elapsedMs: number}) | null {
    const now = this.now()
    let oldest: Wait | null = null
    for (const wait of this.open) {
      if (now - wait.startedAt < atLeastMs) continue
      const better = !oldest || (oldest.behind && !wait.behind) || (oldest.behind === wait.behind && wait.startedAt < oldest.startedAt)
      if (better) oldest = wait
    }
    return oldest && {...oldest, elapsedMs: Math.max(0, now - oldest.startedAt)}
  }
}

/** The process's board: the ARM adapter, the probes and the operations write to it, the progress line reads it. */
export const waits = new WaitBoard()

/** "waiting for westus2: ARM not answering, 12 s of 30 s" */
export function waitLine(wait: Wait & {elapsedMs: number}): string {
  return `waiting for ${wait.who}: ${wait.what}, ${duration(Math.min(wait.elapsedMs, wait.boundMs))} of ${duration(wait.boundMs)}`
}

/** A duration in plain words: "800 ms", "12 s", "15 min", "2 h" (whole units; minutes from 2 min on, hours from 2 h on). */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = Math.floor(ms / 1000)
  if (seconds < 120) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 120) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h`
}
