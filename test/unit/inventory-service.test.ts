// readInventory over the real ARM adapter against the emulator, at a size where starting every database list at
// once would hold thousands of suspended calls: at most DATABASE_LISTS_STARTED are started together.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {readingArm} from '../../src/cli/composition.js'
import {resolveArmSettings} from '../../src/cli/settings.js'
import {syntheticFleet} from '../../src/sandbox/emulator/scenarios.js'
import {DATABASE_LISTS_STARTED, readInventory} from '../../src/services/inventory.js'
import type {ArmReader} from '../../src/services/ports.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'

describe('readInventory at fleet size', () => {
  const world = syntheticFleet({clusters: 400, subscriptions: 3, groupedFraction: 0.3, seed: 7})
  let em: TestEmulator
  let arm: ArmReader

  beforeAll(async () => {
    em = await startTestEmulator(world, {pageSize: 50})
    arm = await readingArm({...resolveArmSettings({concurrency: 64, 'arm-endpoint': em.url}, {GEO_REDIS_ACCESS_TOKEN: em.token}), caPem: em.emulator.caPem})
  })
  afterAll(async () => {
    await em?.stop()
  })

  it('a reading command is handed the reader methods only: nothing that lists keys or mutates is within its reach', () => {
    expect(Object.keys(arm).sort()).toEqual(['getCluster', 'getDatabase', 'listClusters', 'listDatabases', 'listSkusForScaling', 'listSubscriptions', 'principal'])
    expect(arm).not.toHaveProperty('forceUnlink')
    expect(arm).not.toHaveProperty('listKeys')
  })

  it('reads every database with at most DATABASE_LISTS_STARTED lists started at once, and reports progress to the end', async () => {
    let started = 0
    let most = 0
    // the adapter itself, with its database lists counted while they run
    const counted: ArmReader = Object.create(arm, {
      listDatabases: {
        value: async (clusterId: string) => {
          most = Math.max(most, ++started)
          try {
            return await arm.listDatabases(clusterId)
          } finally {
            started--
          }
        },
      },
    })
    const progress: [number, number][] = []
    const inventory = await readInventory(counted, {subscriptions: [], onProgress: (done, total) => progress.push([done, total])})

    expect(inventory.errors).toEqual([])
    const members = inventory.groups.reduce((n, g) => n + g.members.length, 0)
    expect(members + inventory.standalone.length).toBe(world.databases.length)
    expect(most).toBeLessThanOrEqual(DATABASE_LISTS_STARTED)
    // and no fewer than a page's worth: the clusters of a page start together
    expect(most).toBeGreaterThanOrEqual(50)
    expect(progress).toHaveLength(world.clusters.length)
    expect(progress.at(-1)).toEqual([world.clusters.length, world.clusters.length])
    // every cluster of a page is counted as soon as the page arrives: the total never trails what is done
    expect(progress.every(([done, total]) => done <= total)).toBe(true)
  })
})
