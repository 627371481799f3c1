// evidence capture and verify end to end: bundles of the sandbox group's state, then tampering with them.
import {appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createBundle} from '../../src/evidence/bundle.js'
import type {VerifyResult} from '../../src/evidence/verify.js'
import type {CaptureResult} from '../../src/services/capture.js'
import {stopAll} from '../helpers/redis-server.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

let sandbox: CliSandbox
const outputs: string[] = []

async function cli(...args: string[]): Promise<CliResult> {
  const r = await runCli(args, {env: sandbox.env, timeoutMs: 20_000})
  outputs.push(r.stdout, r.stderr)
  return r
}

/** a capture into its own folder `out` (two captures in one second into one folder would get suffixed names) */
async function capture(out: string, ...args: string[]): Promise<CaptureResult> {
  const r = await cli('evidence', 'capture', '--group', 'sandbox-geo', '--out', join(sandbox.dir, out), '--json', ...args)
  expect(r.code, r.stderr).toBe(0)
  const result = JSON.parse(r.stdout) as CaptureResult
  expectSchema('evidence-capture', result)
  return result
}

async function verify(dir: string): Promise<{code: number | null; result: VerifyResult}> {
  const r = await cli('evidence', 'verify', dir, '--json')
  const result = JSON.parse(r.stdout) as VerifyResult
  expectSchema('evidence-verify', result)
  return {code: r.code, result}
}

beforeAll(async () => {
  sandbox = await startCliSandbox({down: [2]})
}, 30_000)

afterAll(async () => {
  await sandbox?.stop()
  await stopAll()
})

// capture and verify run in any order; the secret check reads what all of them printed and wrote, so it is last
describe('evidence', {shuffle: false}, () => {
  describe('capture and verify', {shuffle: true}, () => {
    describe('evidence capture', () => {
      it('writes the group\'s state and probes without changing anything, and the bundle verifies', async () => {
        const result = await capture('evidence', '--probe', '--reason', 'release 2026.11')
        expect(result.group).toMatchObject({nickname: 'sandbox-geo', members: 3, status: 'healthy'})
        const reachable = Object.fromEntries(result.probe.members.map((m) => [m.id, m.reachable]))
        expect(reachable).toEqual({[sandbox.ids[0]]: true, [sandbox.ids[1]]: true, [sandbox.ids[2]]: false})
        expect(result.evidence.files.map((f) => f.name)).toEqual(['before.json', 'probe.json', 'report.md'])
        expect(result.evidence.dir).toMatch(/\d{8}T\d{6}Z-sandbox-geo-capture$/)

        const report = readFileSync(join(result.evidence.dir, 'report.md'), 'utf8')
        expect(report).toContain('**Outcome: succeeded**')
        expect(report).toContain('captured the state of group "sandbox-geo"')
        expect(report).toContain('- Reason: release 2026.11')
        expect(report).toContain('2 of 3 members answered')
        const before = JSON.parse(readFileSync(join(result.evidence.dir, 'before.json'), 'utf8'))
        expect(before.members.map((m: {id: string}) => m.id).sort()).toEqual([...sandbox.ids].sort())
        expect(before.members[0].links).toHaveLength(3)
        expect(mutatingRequests(sandbox.emulator.requests)).toEqual([])

        expect(await verify(result.evidence.dir)).toMatchObject({code: 0, result: {intact: true, complete: true}})
      }, 45_000)

      it('without --probe has no probe.json and prints the folder', async () => {
        const r = await cli('evidence', 'capture', '--group', 'sandbox-geo', '--out', join(sandbox.dir, 'plain'))
        expect(r.code, r.stderr).toBe(0)
        const dir = r.stdout.trim().split('\n').at(-1)!
        expect(readdirSync(dir).sort()).toEqual(['before.json', 'manifest.json', 'report.md'])
      }, 45_000)

      it('an unknown group is a usage error and leaves no bundle', async () => {
        const out = join(sandbox.dir, 'unknown')
        const r = await cli('evidence', 'capture', '--group', 'nope', '--out', out)
        expect(r.code).toBe(2)
        expect(r.stderr).toContain('no geo-replication group named "nope"')
        expect(existsSync(out) ? readdirSync(out) : []).toEqual([])
      }, 45_000)
    })

    describe('evidence verify', () => {
      it('names each tampered file and its status, exit 1', async () => {
        const {evidence} = await capture('tampered')
        appendFileSync(join(evidence.dir, 'before.json'), ' ')
        rmSync(join(evidence.dir, 'report.md'))
        writeFileSync(join(evidence.dir, 'notes.txt'), 'added later')
        const {code, result} = await verify(evidence.dir)
        expect(code).toBe(1)
        expect(result.intact).toBe(false)
        expect(result.files).toEqual([
          {name: 'before.json', status: 'modified'},
          {name: 'report.md', status: 'missing'},
          {name: 'notes.txt', status: 'unexpected'},
        ])
        const human = await cli('evidence', 'verify', evidence.dir)
        expect(human.code).toBe(1)
        expect(human.stdout).toContain('tampered')
        for (const problem of ['before.json modified', 'report.md missing', 'notes.txt unexpected']) expect(human.stdout).toContain(problem)
      }, 45_000)

      it('an intact bundle whose run never finished is incomplete, exit 1', async () => {
        const bundle = await createBundle({root: join(sandbox.dir, 'cut-short'), nickname: 'sandbox-geo', action: 'force-unlink', tool: {name: 'geo-redis', version: 'test'}})
        await bundle.writeJson('before.json', {members: []})
        const {code, result} = await verify(bundle.dir)
        expect(code).toBe(1)
        expect(result).toMatchObject({intact: true, complete: false})
      }, 45_000)

      it('a folder that does not exist, or has no manifest, exits 2', async () => {
        const missing = await cli('evidence', 'verify', join(sandbox.dir, 'no-such-bundle'))
        expect(missing.code).toBe(2)
        expect(missing.stderr).toContain('is not an evidence bundle')
        const empty = join(sandbox.dir, 'empty')
        mkdirSync(empty)
        const noManifest = await cli('evidence', 'verify', empty, '--json')
        expect(noManifest.code).toBe(2)
        expect(JSON.parse(noManifest.stdout).error).toMatchObject({code: 'EvidenceManifestMissing', exitCode: 2})
      }, 45_000)
    })
  })

  describe('secrets', () => {
    it('no access key appears in any evidence file or any output', () => {
      const files = (dir: string): string[] =>
        readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [readFileSync(join(dir, e.name), 'utf8')]))
      const secrets = sandbox.keys.flatMap((k) => [k.primaryKey, k.secondaryKey])
      const texts = [...outputs, ...files(sandbox.dir)]
      expect(texts.length).toBeGreaterThan(10)
      for (const text of texts) for (const secret of secrets) expect(text.includes(secret)).toBe(false)
    })
  })
})
