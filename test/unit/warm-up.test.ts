// bin/warm-up.js: when Node's root certificates are parsed on another thread (see the file), and that it happens.
import {execFile} from 'node:child_process'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const WARM_UP = fileURLToPath(new URL('../../bin/warm-up.js', import.meta.url))
const PRELOAD = fileURLToPath(new URL('../fixtures/thread-preload.cjs', import.meta.url))
const {wantsWarmUp, busyOf} = createRequire(import.meta.url)(WARM_UP) as {
  wantsWarmUp: (m: {command?: string; cores: number; busy: number}) => boolean
  busyOf: (loadavg: string) => number
}

describe('root certificates warmed on another thread', () => {
  it('for a command where a core is idle', () => {
    expect(wantsWarmUp({command: 'inventory', cores: 2, busy: 0})).toBe(true)
    expect(wantsWarmUp({command: 'inventory', cores: 2, busy: 0.6})).toBe(true)
    expect(wantsWarmUp({command: 'group', cores: 8, busy: 6})).toBe(true)
  })

  it('not for serve, not on one core, not when the other cores are busy', () => {
    expect(wantsWarmUp({command: 'serve', cores: 8, busy: 0})).toBe(false)
    expect(wantsWarmUp({command: 'inventory', cores: 1, busy: 0})).toBe(false)
    expect(wantsWarmUp({command: 'inventory', cores: 2, busy: 1})).toBe(false)
    expect(wantsWarmUp({command: 'inventory', cores: 8, busy: 7})).toBe(false)
  })

  it('reads how busy the machine is as the lower of the runnable tasks now (this one left out) and the load average', () => {
    // quiet, with one other task running at this very instant: the average says it is a blip
    expect(busyOf('0.12 0.30 0.41 2/245 12345\n')).toBe(0.12)
    // a burst just over: nothing else runs now, though the average still remembers it
    expect(busyOf('1.80 1.20 0.70 1/245 12345\n')).toBe(0)
    // sustained load: both high
    expect(busyOf('2.40 2.10 1.30 4/245 12345\n')).toBe(2.4)
    expect(busyOf('2.40 2.10 1.30 3/245 12345\n')).toBe(2)
    // no count of tasks: the average alone
    expect(busyOf('0.50 0.40 0.30')).toBe(0.5)
  })

  it('starts a thread that parses them, and TLS contexts built next work as before', async () => {
    const script = `require(${JSON.stringify(WARM_UP)}).warmRootCertificates('inventory', {cores: 2, busy: 0})
      const tls = require('node:tls')
      setTimeout(() => process.stdout.write(String(tls.createSecureContext({minVersion: 'TLSv1.2'}).context !== undefined)), 200)`
    // started with a preload, which must not run in the thread
    const r = await promisify(execFile)(process.execPath, ['--require', PRELOAD, '-e', script], {env: {...process.env, NODE_DEBUG: 'worker'}, timeout: 10_000})
    expect(r.stderr).toMatch(/create new worker/)
    expect(r.stderr).not.toMatch(/preload in a thread/)
    expect(r.stdout).toBe('true')
  })
})
