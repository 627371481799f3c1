import {createHash} from 'node:crypto'
import {appendFile, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {OperationError, UsageError} from '../../src/domain/errors.js'
import {
  compactUtc,
  createBundle,
  reopenBundle,
  redact,
  redactText,
  renderReport,
  SecretRegistry,
  secrets,
  verifyBundle,
  type EvidenceManifest,
  type EvidenceRecord,
} from '../../src/evidence/index.js'

const NOW = new Date('2026-11-21T19:40:12.345Z')
const TOOL = {name: 'geo-redis', version: '0.1.0'}
const DB_WEST =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache-wus2/databases/default'
const DB_EAST =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache-eus/databases/default'

// planted secrets: registered ones, and unregistered ones only their key name or shape can give away
const KEY = 'KEY-PLANTED-123'
const KEY_B64 = 'Zm9vYmFyPLANTED+key/two=='
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1cG4iOiJwbGFudGVkQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLXBsYW50ZWQtand0'
const JWT_PARTS = JWT.split('.')
const UNREGISTERED = {
  primary: 'UNREG-PRIMARY-456',
  key: 'UNREG-KEY-789',
  secondaryInJson: 'UNREG-SECONDARY-987',
  password: 'UNREG-PASS-000',
  urlPassword: 'UNREG-URLPASS-654',
  bearer: 'OPAQUE-TOKEN-321',
  token: 'UNREG-TOKEN-111',
}
const PLANTS = [KEY, KEY_B64, encodeURIComponent(KEY_B64), ...JWT_PARTS, ...Object.values(UNREGISTERED)]

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'geo-redis-evidence-test-'))
})
afterEach(async () => {
  await rm(root, {recursive: true, force: true})
})

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const readManifest = async (dir: string) => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as EvidenceManifest

function record(overrides: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    action: 'force-unlink',
    group: {nickname: 'orders', key: DB_EAST},
    decision: 'force-unlink westus2 from the group',
    reason: 'westus2 region outage',
    operator: {upn: 'alice@example.com', oid: '11111111-2222-3333-4444-555555555555', appid: null},
    tool: TOOL,
    startedAt: '2026-11-21T19:40:12.345Z',
    finishedAt: '2026-11-21T19:44:01.000Z',
    dryRun: false,
    targets: [{id: DB_WEST, location: 'westus2'}],
    issuedOn: {id: DB_EAST, location: 'eastus'},
    requests: [{method: 'POST', url: `https://management.azure.com${DB_EAST}/forceUnlink?api-version=2025-07-01`, apiVersion: '2025-07-01', body: {ids: [DB_WEST]}}],
    guards: [{name: 'target is unreachable', result: 'pass', detail: 'probe timed out after 5s'}],
    probes: [
      {member: DB_WEST, ok: false, detail: 'connect ETIMEDOUT'},
      {member: DB_EAST, ok: true, detail: 'PING 3 ms'},
    ],
    outcome: 'succeeded',
    error: null,
    statusUrl: 'https://management.azure.com/subscriptions/x/providers/Microsoft.Cache/locations/eastus/operationsStatus/abc?api-version=2025-07-01',
    nextSteps: ['re-link westus2 with `geo-redis force-link` once the region is back'],
    ...overrides,
  }
}

describe('createBundle', () => {
  it('writes in phases: incomplete and verifiable before the mutation, complete after', async () => {
    const registry = new SecretRegistry()
    const bundle = await createBundle({root, nickname: 'orders', action: 'force-unlink', now: NOW, tool: TOOL, secrets: registry})
    expect(bundle.dir).toBe(join(root, '20261121T194012Z-orders-force-unlink'))

    // created: an empty, incomplete manifest already
    expect(await readManifest(bundle.dir)).toMatchObject({tool: 'geo-redis', version: '0.1.0', complete: false, files: []})

    await bundle.writeJson('before.json', {members: [{id: DB_WEST}, {id: DB_EAST}]})
    await bundle.writeJson('plan.json', {dryRun: false, requests: record().requests})
    await bundle.writeJson('probe.json', record().probes)
    await bundle.writeText('report.md', renderReport(record({outcome: 'in-progress', finishedAt: null})))

    // a crash here leaves this: consistent, verifiable, incomplete
    let manifest = await readManifest(bundle.dir)
    expect(manifest.complete).toBe(false)
    expect(manifest.createdAt).toBe(NOW.toISOString())
    expect(manifest.files.map((f) => f.name)).toEqual(['before.json', 'plan.json', 'probe.json', 'report.md'])
    let verified = await verifyBundle(bundle.dir)
    expect(verified).toMatchObject({intact: true, complete: false})
    expect(await readFile(join(bundle.dir, 'report.md'), 'utf8')).toContain('In progress')

    await bundle.writeJson('after.json', {members: [{id: DB_EAST, links: []}]})
    await bundle.writeText('report.md', renderReport(record()))
    await bundle.complete()

    manifest = await readManifest(bundle.dir)
    expect(manifest.complete).toBe(true)
    expect(manifest.files.map((f) => f.name)).toEqual(['after.json', 'before.json', 'plan.json', 'probe.json', 'report.md'])
    for (const entry of manifest.files) {
      const data = await readFile(join(bundle.dir, entry.name))
      expect(entry).toEqual({name: entry.name, sha256: sha256(data), bytes: data.length})
    }
    expect(bundle.files()).toEqual(manifest.files)
    expect(await readFile(join(bundle.dir, 'report.md'), 'utf8')).toContain('**Outcome: succeeded**')

    verified = await verifyBundle(bundle.dir)
    expect(verified).toMatchObject({intact: true, complete: true, tool: 'geo-redis', version: '0.1.0'})
    expect(verified.files.every((f) => f.status === 'ok')).toBe(true)
    // no temp files left behind
    expect((await readdir(bundle.dir)).sort()).toEqual(['after.json', 'before.json', 'manifest.json', 'plan.json', 'probe.json', 'report.md'])
  })

  it('refuses writes once complete', async () => {
    const bundle = await createBundle({root, nickname: 'orders', action: 'flush', now: NOW, tool: TOOL})
    await bundle.complete()
    await bundle.complete() // idempotent
    await expect(bundle.writeText('late.md', 'x')).rejects.toThrow(/is complete/)
  })

  it('keeps the manifest whole under concurrent writes', async () => {
    const bundle = await createBundle({root, nickname: 'orders', action: 'capture', now: NOW, tool: TOOL})
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => bundle.writeJson(`${n}.json`, {n})))
    expect((await readManifest(bundle.dir)).files.map((f) => f.name)).toEqual(['a.json', 'b.json', 'c.json', 'd.json', 'e.json'])
    expect((await verifyBundle(bundle.dir)).intact).toBe(true)
  })

  it('leaves no temp file and an unchanged manifest when a write fails', async () => {
    const bundle = await createBundle({root, nickname: 'orders', action: 'capture', now: NOW, tool: TOOL})
    await bundle.writeJson('before.json', {})
    // a non-empty folder where after.json should go makes the rename fail
    await mkdir(join(bundle.dir, 'after.json', 'blocker'), {recursive: true})
    await expect(bundle.writeJson('after.json', {})).rejects.toThrow()
    expect((await readdir(bundle.dir)).filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect((await readManifest(bundle.dir)).files.map((f) => f.name)).toEqual(['before.json'])
  })

  it('never overwrites an existing bundle folder: adds -2, -3', async () => {
    const options = {root, nickname: 'orders', action: 'force-unlink', now: NOW, tool: TOOL}
    const first = await createBundle(options)
    await first.writeText('report.md', 'first')
    await first.complete()
    const second = await createBundle(options)
    const third = await createBundle(options)
    expect(second.dir).toBe(`${first.dir}-2`)
    expect(third.dir).toBe(`${first.dir}-3`)
    expect(await readFile(join(first.dir, 'report.md'), 'utf8')).toBe('first')
    expect(await verifyBundle(first.dir)).toMatchObject({intact: true, complete: true})
  })

  it('sanitises nickname and action into the folder name', async () => {
    const bundle = await createBundle({root, nickname: '../../etc/prod east', action: 'force unlink!', now: NOW, tool: TOOL})
    expect(dirname(bundle.dir)).toBe(root)
    expect(bundle.dir).toBe(join(root, '20261121T194012Z-etc-prod-east-force-unlink'))
    const unnamed = await createBundle({root, nickname: '東京', action: 'capture', now: NOW, tool: TOOL})
    expect(unnamed.dir).toBe(join(root, '20261121T194012Z-unnamed-capture'))
    expect(compactUtc(new Date('2026-01-02T03:04:05.000Z'))).toBe('20260102T030405Z')
  })

  it('rejects file names that are not plain names', async () => {
    const bundle = await createBundle({root, nickname: 'orders', action: 'capture', now: NOW, tool: TOOL})
    for (const name of ['a/b.json', 'a\\b.json', '../x.json', '..', '.', '', '.hidden', 'manifest.json', 'x'.repeat(200)]) {
      await expect(bundle.writeJson(name, {}), name).rejects.toThrow()
    }
    expect(await readdir(bundle.dir)).toEqual(['manifest.json'])
    expect(await readdir(root)).toEqual([`20261121T194012Z-orders-capture`])
  })
})

describe('verifyBundle', () => {
  async function completeBundle() {
    const bundle = await createBundle({root, nickname: 'orders', action: 'force-unlink', now: NOW, tool: TOOL})
    for (const name of ['before.json', 'plan.json', 'probe.json', 'after.json']) await bundle.writeJson(name, {name})
    await bundle.writeText('report.md', renderReport(record()))
    await bundle.complete()
    return bundle.dir
  }

  it('names a modified file', async () => {
    const dir = await completeBundle()
    await appendFile(join(dir, 'plan.json'), ' ')
    const result = await verifyBundle(dir)
    expect(result.intact).toBe(false)
    expect(result.complete).toBe(true)
    expect(result.files.filter((f) => f.status !== 'ok')).toEqual([{name: 'plan.json', status: 'modified'}])
  })

  it('catches a same-size edit', async () => {
    const dir = await completeBundle()
    const report = await readFile(join(dir, 'report.md'), 'utf8')
    await writeFile(join(dir, 'report.md'), report.replace('succeeded', 'SUCCEEDED'))
    expect((await verifyBundle(dir)).files.find((f) => f.name === 'report.md')?.status).toBe('modified')
  })

  it('names a missing file', async () => {
    const dir = await completeBundle()
    await unlink(join(dir, 'probe.json'))
    const result = await verifyBundle(dir)
    expect(result.intact).toBe(false)
    expect(result.files.filter((f) => f.status !== 'ok')).toEqual([{name: 'probe.json', status: 'missing'}])
  })

  it('names an unexpected file, including a leftover temp file', async () => {
    const dir = await completeBundle()
    await writeFile(join(dir, 'notes.txt'), 'added later')
    await writeFile(join(dir, '.after.json.123.abcd.tmp'), '{')
    const result = await verifyBundle(dir)
    expect(result.intact).toBe(false)
    expect(result.files.filter((f) => f.status !== 'ok')).toEqual([
      {name: '.after.json.123.abcd.tmp', status: 'unexpected'},
      {name: 'notes.txt', status: 'unexpected'},
    ])
  })

  it('gives a clear error when the manifest is missing', async () => {
    const dir = await completeBundle()
    await unlink(join(dir, 'manifest.json'))
    await expect(verifyBundle(dir)).rejects.toThrow(UsageError)
    await expect(verifyBundle(dir)).rejects.toThrow(/manifest\.json not found.*not an evidence bundle/)
    await expect(verifyBundle(join(root, 'nope'))).rejects.toThrow(/not found/)
  })

  it('gives a clear error when the manifest is unparsable or malformed', async () => {
    const dir = await completeBundle()
    const manifestPath = join(dir, 'manifest.json')
    const manifest = await readManifest(dir)

    await writeFile(manifestPath, '{"tool": ')
    await expect(verifyBundle(dir)).rejects.toThrow(OperationError)
    await expect(verifyBundle(dir)).rejects.toThrow(/not a valid evidence manifest: not JSON/)

    await writeFile(manifestPath, JSON.stringify({...manifest, complete: 'yes'}))
    await expect(verifyBundle(dir)).rejects.toThrow(/"complete" is not true or false/)

    // a tampered name must not make verification read outside the folder
    const escaping = {...manifest, files: [...manifest.files, {name: '../../etc/passwd', sha256: 'a'.repeat(64), bytes: 1}]}
    await writeFile(manifestPath, JSON.stringify(escaping))
    await expect(verifyBundle(dir)).rejects.toThrow(/not a plain bundle file name/)
  })
})

describe('redaction', () => {
  it('replaces values under secret-named keys, case-insensitively, and keeps the rest', () => {
    const input = {
      id: DB_WEST,
      accessKeysAuthentication: 'Enabled',
      groupNickname: 'orders',
      keys: {PrimaryKey: UNREGISTERED.primary, secondaryKey: null},
      listKeys: [{primaryKey: UNREGISTERED.key}],
      headers: {Authorization: `Bearer ${UNREGISTERED.bearer}`, 'x-ms-request-id': 'r1'},
      access_token: UNREGISTERED.token,
      PASSWORD: {nested: 'whole value goes'},
    }
    const copy = structuredClone(input)
    expect(redact(input, new SecretRegistry())).toEqual({
      id: DB_WEST,
      accessKeysAuthentication: 'Enabled',
      groupNickname: 'orders',
      keys: {PrimaryKey: '[redacted]', secondaryKey: null},
      listKeys: [{primaryKey: '[redacted]'}],
      headers: {Authorization: '[redacted]', 'x-ms-request-id': 'r1'},
      access_token: '[redacted]',
      PASSWORD: '[redacted]',
    })
    expect(input).toEqual(copy) // a new value, input untouched
  })

  it('replaces registered secrets anywhere in a string, URL-encoded too, longest first', () => {
    const registry = new SecretRegistry()
    registry.add(KEY_B64)
    registry.add('PLANTED') // inside KEY_B64: must not leave KEY_B64's ends behind
    registry.add('abc') // too short to register
    registry.add('')
    registry.add(undefined)
    const text = `AUTH ${KEY_B64} at rediss://host:10000/?k=${encodeURIComponent(KEY_B64)} abc`
    expect(redactText(text, registry)).toBe('AUTH [redacted] at rediss://host:10000/?k=[redacted] abc')
  })

  it('replaces JWTs, Bearer values, URL passwords, secret parameters and private keys in text', () => {
    const registry = new SecretRegistry()
    const text = [
      `token ${JWT} expired`,
      `Authorization: Bearer ${UNREGISTERED.bearer}`,
      `rediss://default:${UNREGISTERED.urlPassword}@host:10000`,
      `host:10000,password=${UNREGISTERED.password},ssl=True`,
      `https://login/x?access_token=${UNREGISTERED.token}&api-version=1`,
      `body {"secondaryKey": "${UNREGISTERED.secondaryInJson}", "name": "db"}`,
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n')
    const out = redactText(text, registry)
    for (const plant of [...JWT_PARTS, ...Object.values(UNREGISTERED), 'MIIEow']) expect(out).not.toContain(plant)
    expect(out).toContain('Bearer [redacted]')
    expect(out).toContain('rediss://default:[redacted]@host:10000')
    expect(out).toContain('api-version=1')
    expect(out).toContain('"name": "db"')
    expect(redactText(out, registry)).toBe(out) // stable when applied twice
  })

  it('turns Errors into plain redacted objects, causes and custom fields included', () => {
    const registry = new SecretRegistry()
    registry.add(KEY)
    const cause = new Error(`WRONGPASS for ${KEY}`)
    const error = Object.assign(new Error(`AUTH failed with ${JWT}`, {cause}), {code: 'AuthFailed', password: KEY})
    const out = redact({error, errors: new AggregateError([cause], 'many')}, registry)
    expect(out).toEqual({
      error: {name: 'Error', message: 'AUTH failed with [redacted]', code: 'AuthFailed', password: '[redacted]', cause: {name: 'Error', message: 'WRONGPASS for [redacted]'}},
      errors: {name: 'AggregateError', message: 'many', errors: [{name: 'Error', message: 'WRONGPASS for [redacted]'}]},
    })
  })

  it('handles cycles, Maps, Sets, Dates, URLs and bigints like JSON would', () => {
    const registry = new SecretRegistry()
    registry.add(KEY)
    const cyclic: Record<string, unknown> = {name: 'loop'}
    cyclic.self = cyclic
    const out = redact(
      {
        cyclic,
        map: new Map([['primaryKey', KEY], ['host', 'h']]),
        set: new Set([KEY]),
        at: NOW,
        url: new URL(`https://x/?k=${KEY}`),
        big: 10n,
        fn: () => KEY,
      },
      registry,
    )
    expect(out).toEqual({
      cyclic: {name: 'loop', self: '[circular]'},
      map: {primaryKey: '[redacted]', host: 'h'},
      set: ['[redacted]'],
      at: NOW.toISOString(),
      url: 'https://x/?k=[redacted]',
      big: '10',
      fn: undefined,
    })
  })
})

describe('a whole bundle with planted secrets', () => {
  it('contains none of them, in any file', async () => {
    const registry = new SecretRegistry()
    registry.add(KEY)
    registry.add(KEY_B64)
    const bundle = await createBundle({root, nickname: 'orders', action: 'force-unlink', now: NOW, tool: TOOL, secrets: registry})

    await bundle.writeJson('before.json', {
      members: [
        {id: DB_WEST, accessKeysAuthentication: 'Enabled', keys: {primaryKey: UNREGISTERED.primary, secondaryKey: KEY}},
        {id: DB_EAST, listKeys: [{primaryKey: UNREGISTERED.key}], notes: [`seen ${KEY}`, [`deeper ${KEY_B64}`]]},
      ],
      principal: {upn: 'alice@example.com', token: JWT},
    })
    await bundle.writeJson('plan.json', {
      dryRun: false,
      requests: [
        {
          method: 'POST',
          url: `https://management.azure.com${DB_EAST}/forceUnlink?api-version=2025-07-01&k=${encodeURIComponent(KEY_B64)}`,
          headers: {authorization: `Bearer ${JWT}`},
          body: {ids: [DB_WEST], comment: `planted ${KEY}`},
        },
      ],
    })
    await bundle.writeJson('probe.json', [
      {member: DB_WEST, ok: false, error: new Error(`connect rediss://default:${UNREGISTERED.urlPassword}@wus2:10000 failed with ${KEY}`)},
      {member: DB_EAST, ok: true, detail: `AUTH with Bearer ${UNREGISTERED.bearer}`},
    ])
    const failed = record({
      outcome: 'failed',
      reason: `operator pasted ${KEY} by mistake`,
      error: {code: 'BadRequest', message: `key ${KEY} rejected; body {"secondaryKey":"${UNREGISTERED.secondaryInJson}"}`},
      statusUrl: `https://management.azure.com/operationsStatus/abc?api-version=2025-07-01&token=${UNREGISTERED.token}`,
      nextSteps: [`rotate ${KEY_B64}`, `do not reuse ${JWT}`],
      requests: [{method: 'POST', url: `https://m/x?sig=${encodeURIComponent(KEY_B64)}`, apiVersion: '1', body: {password: UNREGISTERED.password}}],
    })
    await bundle.writeText('report.md', renderReport({...failed, outcome: 'in-progress'}))
    await bundle.writeJson('after.json', {members: [{id: DB_EAST, error: {message: `token ${JWT}`}}]})
    await bundle.writeText('report.md', renderReport(failed))
    await bundle.writeText(
      'runbook.md',
      ['# Runbook', '', '```sh', `redis-cli -a ${KEY} --tls -h wus2 -p 10000`, `export GEO_REDIS_ACCESS_TOKEN=${JWT}`, '```', '', `> Bearer ${UNREGISTERED.bearer}`].join('\n'),
    )
    await bundle.complete()

    const names = await readdir(bundle.dir)
    expect(names.sort()).toEqual(['after.json', 'before.json', 'manifest.json', 'plan.json', 'probe.json', 'report.md', 'runbook.md'])
    for (const name of names) {
      const bytes = await readFile(join(bundle.dir, name))
      for (const plant of PLANTS) expect(bytes.includes(plant), `${plant} in ${name}`).toBe(false)
      if (name.endsWith('.json')) expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow()
    }
    // redaction keeps what an auditor needs
    const before = await readFile(join(bundle.dir, 'before.json'), 'utf8')
    expect(before).toContain(DB_WEST)
    expect(before).toContain('"accessKeysAuthentication": "Enabled"')
    expect(await readFile(join(bundle.dir, 'report.md'), 'utf8')).toContain('ARM error `BadRequest`')
    expect(await verifyBundle(bundle.dir)).toMatchObject({intact: true, complete: true})
  })

  it('redacts with the process-wide registry by default', async () => {
    secrets.add('GLOBAL-PLANTED-999')
    const bundle = await createBundle({root, nickname: 'orders', action: 'capture', now: NOW, tool: TOOL})
    await bundle.writeJson('before.json', {note: 'GLOBAL-PLANTED-999'})
    await bundle.writeText('runbook.md', 'used GLOBAL-PLANTED-999')
    for (const name of await readdir(bundle.dir)) {
      expect((await readFile(join(bundle.dir, name), 'utf8')).includes('GLOBAL-PLANTED-999'), name).toBe(false)
    }
  })
})

describe('renderReport', () => {
  it('renders decision, operator, tool, times, requests, guards, probe, outcome and next steps', () => {
    const md = renderReport(record())
    expect(md).toMatch(/^# geo-redis evidence: force-unlink on group `orders`\n/)
    expect(md).toContain(`- Group: \`orders\`, key \`${DB_EAST}\``)
    expect(md).toContain('- Decision: force-unlink westus2 from the group')
    expect(md).toContain('- Reason: westus2 region outage')
    expect(md).toContain('- Operator: upn `alice@example.com`, oid `11111111-2222-3333-4444-555555555555`')
    expect(md).toContain('- Tool: geo-redis 0.1.0')
    expect(md).toContain('- Started: 2026-11-21T19:40:12.345Z')
    expect(md).toContain('- Finished: 2026-11-21T19:44:01.000Z')
    expect(md).toContain('- Dry run: no')
    expect(md).toContain(`- Target: westus2 \`${DB_WEST}\``)
    expect(md).toContain(`- Issued on: eastus \`${DB_EAST}\``)
    expect(md).toContain(`1. \`POST https://management.azure.com${DB_EAST}/forceUnlink?api-version=2025-07-01\``)
    expect(md).toContain(`   body: \`{"ids":["${DB_WEST}"]}\``)
    expect(md).toContain('- pass: target is unreachable: probe timed out after 5s')
    expect(md).toContain('1 of 2 members answered')
    expect(md).toContain(`- **failed**: \`${DB_WEST}\`: connect ETIMEDOUT`)
    expect(md).toContain('Succeeded: Azure reported the operation as succeeded.')
    expect(md).toContain('Operation status URL: `https://management.azure.com/')
    expect(md).toContain('## Next steps\n\n- re-link westus2 with `geo-redis force-link` once the region is back')
    expect(md).not.toContain('az rest') // only when the operation may still be running
  })

  it('says operator unknown, no probe, and a refusing guard', () => {
    const md = renderReport(
      record({
        operator: null,
        probes: null,
        outcome: 'refused',
        guards: [{name: 'target is reachable', result: 'refuse', detail: 'westus2 answers PING; use a normal unlink'}],
        statusUrl: null,
        nextSteps: [],
      }),
    )
    expect(md).toContain('- Operator: unknown')
    expect(md).toContain('## Probe\n\nNot run.')
    expect(md).toContain('- **refuse**: target is reachable: westus2 answers PING')
    expect(md).toContain('Refused: a guard did not pass; no mutating request was sent.')
    expect(md).not.toContain('Next steps')
    expect(renderReport(record({operator: {upn: null, oid: null, appid: 'app-1'}}))).toContain('- Operator: appid `app-1`')
  })

  it('gives the ARM error of a failed operation', () => {
    const md = renderReport(record({outcome: 'failed', error: {code: 'Conflict', message: 'another operation is in progress\nretry later'}}))
    expect(md).toContain('Failed: the request was sent and Azure reported the operation as failed.')
    expect(md).toContain('ARM error `Conflict`:\n\n```\nanother operation is in progress\nretry later\n```')
  })

  it('tells why an outcome is unknown and how to check it, never to send it again', () => {
    const url = "https://management.azure.com/x/operationsStatus/abc?api-version=2025-07-01&o=it's"
    const md = renderReport(record({outcome: 'unknown', statusUrl: url, lostSight: 'stopped by SIGTERM (e.g. a cancelled CI job) while following the operation (last seen: InProgress)'}))
    expect(md).toContain('**Outcome: unknown**')
    expect(md).toContain('do not send it again until one of them shows how it ended')
    expect(md).toContain('Why unknown: stopped by SIGTERM (e.g. a cancelled CI job) while following the operation (last seen: InProgress)')
    expect(md).toContain(`az rest --method get --url 'https://management.azure.com/x/operationsStatus/abc?api-version=2025-07-01&o=it'\\''s'`)
    expect(renderReport(record({outcome: 'unknown', statusUrl: null}))).toContain('No operation status URL was received')
  })

  it('a success ARM reported but the group does not show is not called an ARM failure', () => {
    const md = renderReport(record({outcome: 'failed', error: {code: 'NotVerified', message: 'the operation succeeded but the group does not show it: x still lists y'}}))
    expect(md).toContain('Failed: Azure reported the operation as succeeded, but the group read again afterwards does not show it')
    expect(md).not.toContain('Azure reported the operation as failed')
  })

  it('marks dry runs and in-progress reports', () => {
    expect(renderReport(record({dryRun: true, outcome: 'dry-run', statusUrl: null}))).toMatch(/\*\*Outcome: dry-run\*\* \(dry run\)[\s\S]*Dry run: the plan above was built and no mutating request was sent/)
    expect(renderReport(record({outcome: 'in-progress', finishedAt: null}))).toContain('In progress: this report was written before the mutating request was sent')
    expect(renderReport(record({outcome: 'nothing-to-do', requests: []}))).toContain('## Planned requests\n\nNone.')
  })

  it('summarises long bodies and keeps odd values inside their code spans', () => {
    const ids = Array.from({length: 20}, (_, i) => `${DB_WEST}${i}`)
    const md = renderReport(record({group: {nickname: 'a`b', key: null}, requests: [{method: 'POST', url: 'https://m/x', apiVersion: '1', body: {ids}}]}))
    expect(md).toMatch(/body: `\{"ids":.*… \(\d+ chars, full body in plan\.json\)`/)
    expect(md).toContain('group ``a`b``')
    expect(md).toContain('- Group: ``a`b``\n')
  })
})

describe('values with control characters in report.md', () => {
  it('keep no escape sequence, control character or bidi override, wherever the value sits', () => {
    const esc = '\x1b]0;title\x07\x1b[2J\x1b[1A\x9b2J\u202e\x00'
    const md = renderReport(
      record({
        group: {nickname: `orders${esc}`, key: null},
        reason: `outage${esc}now`,
        decision: `decided${esc}`,
        guards: [{name: `guard${esc}`, result: 'pass', detail: `detail${esc}`}],
        outcome: 'failed',
        error: {code: `Code${esc}`, message: `line one${esc}\nline two`},
        nextSteps: [`step${esc}`],
      }),
    )
    expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/)
    expect(md).toContain('- Reason: outagenow')
    expect(md).toContain('```\nline one\nline two\n```')
  })
})

describe('the bundle digest', () => {
  it('is the SHA-256 of manifest.json as sealed, and --expect holds the bundle to it', async () => {
    const bundle = await createBundle({root, nickname: 'orders', action: 'capture', now: NOW, tool: TOOL})
    await bundle.writeText('report.md', 'first')
    await bundle.complete()
    const digest = bundle.digest()
    expect(digest).toBe(sha256(await readFile(join(bundle.dir, 'manifest.json'))))
    expect(await verifyBundle(bundle.dir)).toMatchObject({intact: true, complete: true, digest, expectedDigest: null, digestMatches: null})
    expect(await verifyBundle(bundle.dir, {expect: `sha256:${digest.toUpperCase()}`})).toMatchObject({expectedDigest: digest, digestMatches: true})

    // a rewrite that keeps the manifest consistent is intact, and not the bundle recorded
    const forged = Buffer.from('second')
    await writeFile(join(bundle.dir, 'report.md'), forged)
    const manifest = await readManifest(bundle.dir)
    manifest.files[0] = {name: 'report.md', sha256: sha256(forged), bytes: forged.length}
    await writeFile(join(bundle.dir, 'manifest.json'), JSON.stringify(manifest))
    expect(await verifyBundle(bundle.dir, {expect: digest})).toMatchObject({intact: true, digestMatches: false})
    await expect(verifyBundle(bundle.dir, {expect: 'not-a-digest'})).rejects.toThrow(UsageError)
  })

  it('bounds verification in time', async () => {
    // 500 files take far longer to check than a timer of 0 ms takes to fire
    const dir = join(root, 'many')
    await mkdir(dir)
    const data = Buffer.alloc(1024, 'x')
    const files = Array.from({length: 500}, (_, i) => ({name: `f${i}.txt`, sha256: sha256(data), bytes: data.length}))
    await Promise.all(files.map((f) => writeFile(join(dir, f.name), data)))
    const manifest: EvidenceManifest = {tool: 'geo-redis', version: '0.1.0', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), complete: true, files}
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest))
    expect(await verifyBundle(dir)).toMatchObject({intact: true})
    await expect(verifyBundle(dir, {timeoutMs: 0})).rejects.toMatchObject({code: 'EvidenceVerifyTimeout', exitCode: 1})
  })
})

describe('reopening a bundle held open', () => {
  it('adds files to an incomplete bundle, keeps what it had, then seals it; a sealed bundle is never reopened', async () => {
    const root = await mkdtemp(join(tmpdir(), 'geo-redis-reopen-'))
    try {
      const first = await createBundle({root, nickname: 'geo', action: 'force-unlink', now: NOW, tool: TOOL})
      await first.writeText('report.md', '# held open\n')
      const again = await reopenBundle(first.dir)
      await again.writeText('runbook.md', '# the log\n')
      await again.complete()
      expect(again.files().map((f) => f.name)).toEqual(['report.md', 'runbook.md'])
      expect(await verifyBundle(first.dir)).toMatchObject({intact: true, complete: true, tool: 'geo-redis'})
      await expect(reopenBundle(first.dir)).rejects.toThrow(/complete and cannot be added to/)
    } finally {
      await rm(root, {recursive: true, force: true})
    }
  })
})
