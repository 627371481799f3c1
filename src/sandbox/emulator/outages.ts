// Regional outages as ARM shows them: a region, a cluster id or a cluster name answers 503 ServiceUnavailable
// ('error'), or holds every request until the outage is cleared or changed ('timeout').
import {normaliseLocation} from '../../domain/ids.js'
import {ErrorReply} from './errors.js'
import {ABANDONED, type Call} from './http.js'
import {nameOf} from './world.js'

/** How ARM answers requests for what is in an outage: 503 at once, or nothing until it ends. */
export type ArmOutageMode = 'error' | 'timeout'

interface Outage {
  /** the target in one canonical form: regions "West US 2"/"westus2", ids and names in any case agree */
  key: string
  mode: ArmOutageMode
  waiters: Set<() => void>
}

export class Outages {
  private readonly outages = new Map<string, Outage>()
  private stopped = false

  set(target: string, mode: ArmOutageMode): void {
    const key = normaliseLocation(target)
    const existing = this.outages.get(key)
    this.outages.set(key, {key, mode, waiters: existing?.waiters ?? new Set()})
    // held requests re-evaluate: a switch from 'timeout' to 'error' answers them with 503
    if (existing) release(existing)
  }

  clear(target: string): void {
    const outage = this.outages.get(normaliseLocation(target))
    if (!outage) return
    this.outages.delete(outage.key)
    release(outage)
  }

  /** The emulator stops: every held request is let go (and answered with nothing). */
  stop(): void {
    this.stopped = true
    for (const outage of this.outages.values()) release(outage)
  }

  /**
   * An outage in the cluster's region (or on the cluster) answers 503, or holds the request until cleared;
   * `onHold` is told each time a request is held. Throws ABANDONED when the client or the emulator went away.
   */
  async gate(call: Call, location: string, clusterId: string | undefined, onHold: () => void): Promise<void> {
    for (let outage = this.find(location, clusterId); outage; outage = this.find(location, clusterId)) {
      if (outage.mode === 'error') {
        throw new ErrorReply(503, 'ServiceUnavailable', `The resource provider in region '${location}' is unavailable. Please retry later.`)
      }
      onHold()
      const waiters = outage.waiters
      await new Promise<void>((resolve) => {
        const done = () => {
          waiters.delete(done)
          resolve()
        }
        waiters.add(done)
        call.res.once('close', done)
      })
      if (this.stopped || call.res.destroyed) throw ABANDONED
    }
  }

  private find(location: string, clusterId?: string): Outage | undefined {
    if (this.outages.size === 0) return undefined
    const keys = [location, ...(clusterId ? [clusterId, nameOf(clusterId)] : [])]
    for (const key of keys) {
      const outage = this.outages.get(normaliseLocation(key))
      if (outage) return outage
    }
    return undefined
  }
}

function release(outage: Outage): void {
  for (const resolve of [...outage.waiters]) resolve()
}
