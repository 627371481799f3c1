// Ending a phase that reads but sends nothing as soon as the run is stopped, instead of waiting out reads that may
// take minutes during an outage. What was still in flight is abandoned, not awaited.

/** `work`, or `interrupted()`'s error as soon as `signal` aborts, whichever comes first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, interrupted: () => Error): Promise<T> {
  if (!signal) return work
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(interrupted())
    signal.addEventListener('abort', stop, {once: true})
    // an abandoned read that fails later settles a promise already rejected: nothing is left unhandled
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
    if (signal.aborted) stop()
  })
}
