// V8 doubles its young generation (up to 16 MB a semi-space, 32 MB resident) each time enough objects survive its
// scavenges, and gives it back only when allocation almost stops, which a watcher's rounds never let happen. For a
// process that runs for months that is most of its memory for no gain: serve's p99 and CPU are the same with 1 MB.
// V8 reads the growth factor each time it would grow the space, so setting it while running takes effect.
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/** The young generation stays the size it has now (1 to 2 MB a semi-space after start-up): see bench/RESULTS.md. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

/**
 * One full collection a few seconds in, once the watcher is connected: start-up's garbage (oclif's config and
 * manifest, module set-up) otherwise stays in old space until a full collection that steady rounds may not cause for
 * minutes (~1.5 MB less RSS in bench/serve.js). The timer does not keep the process alive.
 */
export function collectStartUpGarbage(afterMs = 3000): void {
  setTimeout(() => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    setFlagsFromString('--no-expose-gc')
    gc()
  }, afterMs).unref()
}
