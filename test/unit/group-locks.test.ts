// One mutation of a group at a time on this machine: a lock per group key, refused with who holds it, taken over
// when its holder died, never judged stale when another host wrote it, and released only by its owner.
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {groupLockPath, groupLocks} from '../../src/cli/locks.js'
import {UsageError} from '../../src/domain/errors.js'

const homes: string[] = []
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, {recursive: true, force: true})
})

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'geo-redis-group-lock-'))
  homes.push(dir)
  return dir
}

const KEY = '/subscriptions/s/resourcegroups/rg/providers/microsoft.cache/redisenterprise/a/databases/default'
// a pid no process has: above Linux's pid_max
const DEAD_PID = 4_194_304 + 7

function holdAs(dir: string, holder: {pid: number; host: string}): void {
  const path = groupLockPath(KEY, dir)
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, JSON.stringify({...holder, what: 'force-unlink sandbox-eastus on group "geo"', since: '2026-01-01T00:00:00.000Z'}))
}

describe('group locks', () => {
  it('a second hold of the same group is refused (exit 2), naming the run that holds it; another group is free', async () => {
    const dir = home()
    const first = groupLocks([], dir)
    await first.hold(KEY, 'geo', 'force-unlink sandbox-eastus on group "geo"')
    const second = groupLocks(['--profile', 'prod'], dir)
    const error = await second.hold(KEY.toUpperCase(), 'geo', 'force-unlink sandbox-westus2').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error).toMatchObject({code: 'GroupBusy', exitCode: 2})
    expect((error as UsageError).message).toMatch(new RegExp(`^another geo-redis run is changing group "geo": force-unlink sandbox-eastus on group "geo" \\(pid ${process.pid} on ${hostname()}, since .+\\); nothing was sent$`))
    expect((error as UsageError).suggestion).toContain('`geo-redis group show geo --profile prod`')
    await second.hold(`${KEY}-other`, 'other', 'flush')
    first.release()
    await second.hold(KEY, 'geo', 'force-unlink sandbox-westus2')
    second.release()
    expect(existsSync(groupLockPath(KEY, dir))).toBe(false)
  })

  it('a home where no lock can be written is bad input, saying where and what to set', async () => {
    const file = join(home(), 'not-a-folder')
    writeFileSync(file, '')
    await expect(groupLocks([], file).hold(KEY, 'geo', 'flush')).rejects.toMatchObject({code: 'GroupLockUnavailable', exitCode: 2, suggestion: expect.stringContaining('GEO_REDIS_HOME')})
  })

  it('takes over a lock whose holder died on this host, and never one written on another host', async () => {
    const dir = home()
    holdAs(dir, {pid: DEAD_PID, host: hostname()})
    const locks = groupLocks([], dir)
    await locks.hold(KEY, 'geo', 'force-unlink')
    locks.release()

    holdAs(dir, {pid: DEAD_PID, host: 'another-machine'})
    await expect(groupLocks([], dir).hold(KEY, 'geo', 'force-unlink')).rejects.toMatchObject({code: 'GroupBusy', message: expect.stringContaining(`pid ${DEAD_PID} on another-machine`)})
  })
})
