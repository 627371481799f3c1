// V8 doubles its young generation (up to 16 MB a semi-space, 32 MB resident) each time enough objects survive its
// scavenges, and gives it back only when allocation almost stops, which a watcher's rounds never let happen. For a
// process that runs for months that is most of its memory for no gain: serve's p99 and CPU are the same with 1 MB.
// V8 reads the growth factor each time it would grow the space, so setting it while running takes effect.
import {setFlagsFromString} from 'node:v8'

/** The young generation stays the size it has now (1 to 2 MB a semi-space after start-up): see bench/RESULTS.md. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}
