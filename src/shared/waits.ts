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
}

export class WaitBoard {
  private readonly open = new Set<Wait>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers a wait; the returned function ends it (calling it twice is harmless). */
  begin(who: string, what: string, boundMs: number): () => void {
    const wait: Wait = {who, what, boundMs, startedAt: this.now()}
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

  /** The wait open the longest, with how long it has lasted so far. */
  longest(): (Wait & {elapsedMs: number}) | null {
    let oldest: Wait | null = null
    for (const wait of this.open) if (!oldest || wait.startedAt < oldest.startedAt) oldest = wait
    return oldest && {...oldest, elapsedMs: Math.max(0, this.now() - oldest.startedAt)}
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
