// The sandbox lock: a stale lock is taken over by exactly one of several racing commands, and releasing a lock
// that was taken over leaves the new owner's in place.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {acquireLock} from '../../src/sandbox/control/lock.js'
import {sandboxPaths} from '../../src/sandbox/control/state.js'

const homes: string[] = []
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, {recursive: true, force: true})
})

function home() {
  const dir = mkdtempSync(join(tmpdir(), 'geo-redis-lock-'))
  homes.push(dir)
  return sandboxPaths(dir)
}

// a pid no process has: above Linux's pid_max
const DEAD_PID = 4_194_304 + 7

describe('sandbox lock', () => {
  it('lets exactly one of two racing commands take over a stale lock', async () => {
    const paths = home()
    writeFileSync(paths.lock, JSON.stringify({pid: DEAD_PID, what: 'up'}))
    const results = await Promise.allSettled([acquireLock(paths, 'up', 0), acquireLock(paths, 'down', 0)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({reason: {code: 'SandboxBusy'}})
  })

  it('release removes only its own lock', async () => {
    const paths = home()
    const lock = await acquireLock(paths, 'up', 0)
    const someoneElse = JSON.stringify({pid: DEAD_PID, what: 'outage'})
    writeFileSync(paths.lock, someoneElse)
    lock.release()
    expect(readFileSync(paths.lock, 'utf8')).toBe(someoneElse)
  })
})
