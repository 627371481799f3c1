// force-link end to end: rejoining sandbox-northeurope after a force-unlink, against the emulator (2025-07-01 on the
// SDK client's pipeline) with real redis-servers behind every member.
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import {stopAll} from '../helpers/redis-server.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const NICK = 'sandbox-geo'
const outputs: string[] = []

/** sandbox-northeurope was force-unlinked: the survivors dropped it; its own view still lists everyone */
function unlinkedThird(world: World): void {
  const third = idKey(world.databases[2].id)
  for (const db of world.databases.slice(0, 2)) {
    const geo = db.properties.geoReplication!
    geo.linkedDatabases = geo.linkedDatabases.filter((l) => idKey(l.id) !== third)
  }
}

async function link(sandbox: CliSandbox, ...args: string[]): Promise<CliResult> {
  const r = await runCli(['force-link', '--group', NICK, '--evidence-dir', join(sandbox.dir, 'evidence'), ...args], {env: sandbox.env, timeoutMs: 20_000})
  outputs.push(r.stdout, r.stderr)
  return r
}

function parsed(r: CliResult): GuardedResult {
  const result = JSON.parse(r.stdout) as GuardedResult
  expectSchema('force-link', result)
  return result
}

afterAll(async () => {
  await stopAll()
})

// The preview, the refusal and a failed operation leave the group as it was and run in any order; the real run and the
// same command again are a story in order after them; the secret check reads what all of them printed, so it is last.
describe('force-link of a previously unlinked member', {shuffle: false}, () => {
  let sandbox: CliSandbox
  let ids: string[]
  const linkedIds = (i: number) => sandbox.emulator.emulator.world.databases[i].properties.geoReplication!.linkedDatabases.map((l) => idKey(l.id)).sort()

  beforeAll(async () => {
    sandbox = await startCliSandbox({world: unlinkedThird})
    ids = sandbox.ids
  }, 45_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  describe('before the real run: the member is still unlinked', {shuffle: true}, () => {
    it('dry run: the data-loss warning comes first, then the plan; nothing mutating is sent', async () => {
      const n = sandbox.emulator.requests.length
      const r = await link(sandbox, '--member', 'northeurope', '--dry-run')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.split('\n')[0]).toMatch(/^\(!\) ALL DATA IN sandbox-northeurope\/default \(northeurope\) IS DISCARDED/)
      expect(r.stdout.indexOf('IS DISCARDED')).toBeLessThan(r.stdout.indexOf('Plan: force-link'))
      expect(r.stdout).toContain('forceLinkToReplicationGroup?api-version=2025-07-01')
      expect(r.stdout).toContain('dry run: nothing was sent')
      expect(mutatingRequests(sandbox.emulator.requests.slice(n))).toEqual([])
    }, 45_000)

    it('off a terminal without consent flags: exit 2 naming them', async () => {
      const r = await link(sandbox, '--member', 'northeurope')
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('pass --yes --confirm sandbox-geo')
    }, 45_000)

    it('a force-link that ends Failed exits 1 with ARM\'s code and message', async () => {
      sandbox.emulator.emulator.failNextOperation({code: 'LinkFailed', message: 'The database could not be linked to the replication group.'})
      const r = await link(sandbox, '--member', 'northeurope', '--yes', '--confirm', NICK, '--json')
      expect(r.code).toBe(1)
      expect(parsed(r)).toMatchObject({outcome: 'failed', operation: {status: 'Failed', error: {code: 'LinkFailed', message: 'The database could not be linked to the replication group.'}}})
      expect(linkedIds(0)).not.toContain(idKey(ids[2]))
    }, 45_000)
  })

  describe('the real run, then the same command again', () => {
    it('the confirmed run sends the 2025-07-01 body on the joining database and verifies the group', async () => {
      const n = sandbox.emulator.requests.length
      const r = await link(sandbox, '--member', 'northeurope', '--yes', '--confirm', NICK, '--json')
      expect(r.code, r.stderr).toBe(0)
      const result = parsed(r)
      expect(result).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
      expect(result.plan.warnings[0]).toMatch(/^ALL DATA IN/)

      const sent = mutatingRequests(sandbox.emulator.requests.slice(n))
      expect(sent).toHaveLength(1)
      expect(sent[0]).toMatchObject({
        path: `${ids[2]}/forceLinkToReplicationGroup`,
        apiVersion: '2025-07-01',
        status: 202,
        // the joining database first, then the members it rejoins in member order (by location: eastus, westus2)
        body: {geoReplication: {groupNickname: NICK, linkedDatabases: [{id: ids[2]}, {id: ids[1]}, {id: ids[0]}]}},
      })
      expect(result.plan.requests[0].body).toEqual(sent[0].body)
      const everyone = ids.map(idKey).sort()
      for (const i of [0, 1, 2]) expect(linkedIds(i)).toEqual(everyone)

      const verify = await runCli(['evidence', 'verify', result.evidence.dir], {env: sandbox.env, timeoutMs: 20_000})
      expect(verify.code).toBe(0)
      expect(verify.stdout).toContain('intact and complete')
    }, 45_000)

    it('the same command again is "nothing to do", with no POST at all', async () => {
      const n = sandbox.emulator.requests.length
      const r = await link(sandbox, '--member', 'northeurope', '--yes', '--confirm', NICK, '--json')
      expect(r.code).toBe(0)
      expect(parsed(r)).toMatchObject({outcome: 'nothing-to-do', operation: null})
      expect(sandbox.emulator.requests.slice(n).filter((q) => q.method === 'POST')).toEqual([])
    }, 45_000)
  })

  it('no access key appears in any output', () => {
    const secrets = sandbox.keys.flatMap((k) => [k.primaryKey, k.secondaryKey])
    for (const text of outputs) for (const secret of secrets) expect(text.includes(secret)).toBe(false)
  })
})

describe('force-link of a database ARM shows standalone', () => {
  let sandbox: CliSandbox

  beforeAll(async () => {
    sandbox = await startCliSandbox({
      world: (world) => {
        unlinkedThird(world)
        delete world.databases[2].properties.geoReplication
      },
    })
  }, 45_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  it('is found by cluster name (never by location, which could match any cache); nothing in ARM says it belonged: only --adopt plans it', async () => {
    const byName = parsed(await link(sandbox, '--member', 'sandbox-northeurope', '--dry-run', '--json'))
    expect(byName).toMatchObject({outcome: 'refused', refusal: {guard: 'joining-belongs-to-group'}, plan: {target: {id: sandbox.ids[2]}, targetInGroup: false}})
    expect(byName.refusal?.remediation).toContain('--adopt sandbox-northeurope')
    const adopted = parsed(await link(sandbox, '--member', 'sandbox-northeurope', '--adopt', 'sandbox-northeurope', '--dry-run', '--json'))
    expect(adopted).toMatchObject({outcome: 'dry-run', plan: {issuedOn: {id: sandbox.ids[2]}, targetInGroup: false, ids: [sandbox.ids[2], sandbox.ids[1], sandbox.ids[0]]}})
    expect(adopted.plan.warnings[0]).toMatch(/^ADOPTING sandbox-northeurope\/default \(northeurope\), WHICH NEVER BELONGED TO "sandbox-geo": 0 keys, [\d.]+ MB used: 0 keys will be deleted$/)
    const byLocation = await link(sandbox, '--member', 'northeurope', '--dry-run', '--json')
    expect(byLocation.code).toBe(2)
    expect(parsed(byLocation)).toMatchObject({outcome: 'refused', refusal: {guard: 'member-in-group'}})
    expect(mutatingRequests(sandbox.emulator.requests)).toEqual([])
  }, 45_000)
})
