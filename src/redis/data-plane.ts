// The DataPlane port on real Redis: bounded, verified connections (connect.ts), the probe and the canary.
import type {CanaryPair, Dialled} from '../domain/probe.js'
import type {DataPlane, DialOptions, RedisTarget} from '../services/ports.js'
import {runCanary} from './canary.js'
import {probeMembers} from './probe.js'

export class RedisDataPlane implements DataPlane {
  /** `hosts`: the profile's host name → address map, dialled instead of DNS (none: DNS for every name) */
  constructor(private readonly hosts?: ReadonlyMap<string, string>) {}

  probe(targets: RedisTarget[], options: DialOptions): Promise<Dialled[]> {
    return probeMembers(targets, {...options, hosts: this.hosts})
  }

  async canary(targets: RedisTarget[], options: {timeoutMs: number; writers?: string[]}): Promise<CanaryPair[]> {
    return (await runCanary(targets, {...options, hosts: this.hosts})).pairs
  }
}
