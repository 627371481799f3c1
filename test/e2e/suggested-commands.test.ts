// Every command geo-redis suggests is valid and complete: collected from the outputs, next steps, errors and evidence
// reports of real runs (and the runbook's endings), each is parsed with the CLI's own command and flag definitions
// from the oclif manifest (an unknown command or flag, a missing value or required flag fails), must carry this run's
// ARM connection flags and --group where the command takes them, and never consent to a destructive command.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {diagnose, recommend, redirectNextSteps, rejoinSteps, type IncidentMember} from '../../src/domain/incident.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import type {Assessment} from '../../src/services/runbook/assess.js'
import {endAfterUnlink, endStopped, endWithoutUnlink} from '../../src/services/runbook/ending.js'
import {stopAll} from '../helpers/redis-server.js'
import {runCli, startCliSandbox, type CliSandbox} from '../helpers/run-cli.js'

const NICK = 'sandbox-geo'
const CLI_MS = 30_000
const CASE_MS = 120_000
const DESTRUCTIVE = new Set(['force-unlink', 'force-link', 'flush'])

interface ManifestFlag {
  name: string
  char?: string
  type: 'option' | 'boolean'
  required?: boolean
}

interface ManifestCommand {
  flags: Record<string, ManifestFlag>
  args: Record<string, {required?: boolean}>
}

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {commands: Record<string, ManifestCommand>}

/** Words as a POSIX shell reads them: single quotes (with '\'' inside) and bare words. */
function shellWords(line: string): string[] {
  const words: string[] = []
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g
  let current = ''
  let last = -1
  for (const m of line.matchAll(re)) {
    const piece = m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]
    // pieces that touch (no space between) are one word
    if (last === m.index) current += piece
    else {
      if (last !== -1) words.push(current)
      current = piece
    }
    last = m.index + m[0].length
  }
  if (last !== -1) words.push(current)
  return words
}

interface Parsed {
  id: string
  flags: Map<string, string[]>
  args: string[]
}

/** The command as oclif would parse it, or an error saying why it would not. */
function parse(command: string): Parsed {
  const words = shellWords(command)
  if (words[0] !== 'geo-redis') throw new Error(`not a geo-redis command: ${command}`)
  // the longest run of words that is a command id (topics separated by spaces)
  let id = ''
  let at = 1
  for (let n = words.length - 1; n >= 1; n--) {
    const candidate = words.slice(1, n + 1).join(':')
    if (manifest.commands[candidate]) {
      id = candidate
      at = n + 1
      break
    }
  }
  if (!id) throw new Error(`unknown command in: ${command}`)
  const spec = manifest.commands[id]
  const byName = new Map(Object.values(spec.flags).flatMap((f) => [[`--${f.name}`, f], ...(f.char ? [[`-${f.char}`, f] as const] : [])]))
  const flags = new Map<string, string[]>()
  const args: string[] = []
  for (let i = at; i < words.length; i++) {
    const word = words[i]
    if (!word.startsWith('-')) {
      args.push(word)
      continue
    }
    const [name, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined]
    const flag = byName.get(name)
    if (!flag) throw new Error(`unknown flag ${name} for ${id} in: ${command}`)
    let value = 'true'
    if (flag.type === 'option') {
      value = inline ?? words[++i]
      if (value === undefined) throw new Error(`${name} needs a value in: ${command}`)
    }
    flags.set(flag.name, [...(flags.get(flag.name) ?? []), value])
  }
  for (const f of Object.values(spec.flags)) if (f.required && !flags.has(f.name)) throw new Error(`${id} needs --${f.name} in: ${command}`)
  const required = Object.values(spec.args).filter((a) => a.required).length
  if (args.length < required || args.length > Object.keys(spec.args).length) throw new Error(`${id} takes ${required}..${Object.keys(spec.args).length} argument(s), got ${args.length} in: ${command}`)
  return {id, flags, args}
}

/** Every command in backticks: how prose shows a suggested command, so where it ends is never in doubt. */
function suggested(text: string): string[] {
  return [...text.matchAll(/`(geo-redis [^`]+)`/g)].map((m) => m[1])
}

/** A mention of a command outside backticks would be a suggestion nobody can tell the end of. */
function bareMentions(text: string): string[] {
  const ids = [...new Set(Object.keys(manifest.commands).map((id) => id.split(':')[0]))].join('|')
  return text
    .replace(/`[^`]*`/g, '')
    .split('\n')
    // a heading, or a JSON field that holds a command as data (plan.command)
    .filter((line) => !/^\s*#/.test(line) && !/^\s*"command": "geo-redis /.test(line) && new RegExp(`\\bgeo-redis (${ids})\\b`).test(line))
}

let sb: CliSandbox
let connection: string[]
const texts: {source: string; text: string}[] = []
const bare: {source: string; command: string}[] = []

async function run(source: string, args: string[]): Promise<GuardedResult | null> {
  const r = await runCli([...args, ...connection], {env: sb.env, timeoutMs: CLI_MS})
  texts.push({source, text: `${r.stdout}\n${r.stderr}`})
  try {
    const data = JSON.parse(r.stdout) as GuardedResult & {error?: unknown}
    if (data.plan) bare.push({source: `${source}: plan.command`, command: data.plan.command})
    if (data.evidence?.dir) for (const name of readdirSync(data.evidence.dir).filter((n) => n.endsWith('.md'))) texts.push({source: `${source}: ${name}`, text: readFileSync(join(data.evidence.dir, name), 'utf8')})
    return data.plan ? data : null
  } catch {
    return null
  }
}

const guarded = (action: string, ...args: string[]) => [action, '--group', NICK, '--evidence-dir', join(sb.dir, 'evidence'), ...args]

afterAll(async () => {
  await sb?.stop()
  await stopAll()
})

beforeAll(async () => {
  sb = await startCliSandbox({down: [2], standalone: true})
  connection = ['--arm-endpoint', sb.emulator.url, ...sb.emulator.emulator.world.subscriptions.flatMap((s) => ['--subscription', s.id])]
}, CASE_MS)

// one scenario in order: the first case runs every command and collects what each suggests; the others read that
// collection, so they come after it
describe('suggested commands', {shuffle: false}, () => {
  it('are collected from every output of the guarded commands, check, the runbook and the evidence they write', async () => {
    const dry = await run('force-unlink dry run', guarded('force-unlink', '--member', 'northeurope', '--dry-run', '--json'))
    await run('force-unlink dry run (text)', guarded('force-unlink', '--member', 'northeurope', '--dry-run'))
    await run('force-unlink of a member that answers', guarded('force-unlink', '--member', 'eastus', '--yes', '--confirm', NICK))
    await run('force-unlink with a wrong --confirm', guarded('force-unlink', '--member', 'northeurope', '--yes', '--confirm', 'sandbox', '--json'))
    await run('force-unlink without consent', guarded('force-unlink', '--member', 'northeurope'))
    await run('force-link of a stranger', guarded('force-link', '--member', 'sandbox-standalone', '--dry-run', '--json'))
    await run('force-link adopting it', guarded('force-link', '--member', 'sandbox-standalone', '--adopt', 'sandbox-standalone', '--dry-run'))
    await run('flush dry run', guarded('flush', '--dry-run', '--json'))
    await run('flush dry run (text)', guarded('flush', '--from', 'eastus', '--dry-run'))
    await run('runbook without a terminal', ['runbook', 'incident', '--group', NICK])
    sb.emulator.emulator.setOutage('North Europe', 'error')
    await run('check', ['check', '--group', NICK, '--probe', '--timeout-ms', '1000'])
    await run('check --json', ['check', '--group', NICK, '--json'])
    await run('force-unlink', guarded('force-unlink', '--member', 'northeurope', '--yes', '--confirm', NICK, '--json'))
    await run('force-unlink again', guarded('force-unlink', '--member', 'northeurope', '--yes', '--confirm', NICK, '--json'))
    await run('force-unlink of a plan that is done', guarded('force-unlink', '--member', 'northeurope', '--plan', dry!.evidence.dir, '--yes', '--confirm', NICK))
    await run('check of the group of two', ['check', '--group', NICK])

    // the runbook's endings and next steps, for each way a run ends
    const status = (name: string, verdict: IncidentMember['verdict']): IncidentMember => ({
      id: sb.ids.find((id) => id.includes(name))!,
      name: `${name}/default`,
      cluster: name,
      resourceGroup: 'rg-sandbox',
      location: name.replace('sandbox-', ''),
      arm: {readable: true, state: 'Succeeded/Running', error: null, cause: null},
      probe: null,
      memory: null,
      seenAs: ['Linked'],
      verdict,
      reasons: [],
    })
    const members = [status('sandbox-westus2', 'survivor'), status('sandbox-eastus', 'survivor'), status('sandbox-northeurope', 'failing')]
    const thresholds = {warnPct: 70, critPct: 85}
    const diagnosis = diagnose(members)
    const assessment = {connection, group: {nickname: NICK}, thresholds, diagnosis} as unknown as Assessment
    const endings = [
      endWithoutUnlink({...assessment, recommendation: recommend(diagnosis, thresholds, {nickname: NICK, connection})}),
      endWithoutUnlink({...assessment, recommendation: recommend(diagnose(members.slice(0, 2)), thresholds, {nickname: NICK, connection})}),
      endWithoutUnlink({...assessment, recommendation: recommend(diagnose([members[2]]), thresholds, {nickname: NICK, connection})}),
      ...(['interrupted', 'timeout', 'cancelled', 'error'] as const).map((how) => endStopped(NICK, how, 'why', connection)),
      ...(['dry-run', 'succeeded', 'refused'] as const).map((outcome) => endAfterUnlink({...dry!, outcome}, assessment, members[2])),
    ]
    texts.push({
      source: 'runbook endings',
      text: [
        ...endings.flatMap((e) => e.nextSteps),
        ...recommend(diagnose([members[2]]), thresholds, {nickname: NICK, connection}).reasons,
        ...recommend(diagnosis, thresholds, {nickname: NICK, connection}).reasons,
        ...rejoinSteps(NICK, members[2], connection),
        ...redirectNextSteps(NICK, [members[2]], thresholds, connection),
      ].join('\n'),
    })
    expect(texts.length).toBeGreaterThan(20)
  }, CASE_MS)

  it('parse with the CLI\'s own commands and flags, carry the run\'s connection and --group, and never consent to a destructive one', () => {
    const all = [...texts.flatMap(({source, text}) => suggested(text).map((command) => ({source, command}))), ...bare]
    const ids = all.flatMap((s) => {
      try {
        return [parse(s.command).id]
      } catch {
        return []
      }
    })
    expect(new Set(ids)).toEqual(new Set(['force-unlink', 'force-link', 'flush', 'group:show', 'probe', 'check', 'capacity', 'runbook:incident']))
    const problems = all.flatMap(({source, command}) => {
      let parsed: Parsed
      try {
        parsed = parse(command)
      } catch (error) {
        return [`${source}: ${(error as Error).message}`]
      }
      const spec = manifest.commands[parsed.id]
      const out: string[] = []
      if (spec.flags['arm-endpoint']) {
        for (let i = 0; i < connection.length; i += 2) {
          if (!parsed.flags.get(connection[i].slice(2))?.includes(connection[i + 1])) out.push(`${source}: without ${connection[i]} ${connection[i + 1]}: ${command}`)
        }
      }
      if (spec.flags.group && parsed.flags.get('group')?.[0] !== NICK && parsed.id !== 'inventory') out.push(`${source}: without --group ${NICK}: ${command}`)
      if (parsed.id === 'group:show' && parsed.args[0] !== NICK) out.push(`${source}: not about ${NICK}: ${command}`)
      if (DESTRUCTIVE.has(parsed.id) && (parsed.flags.has('yes') || parsed.flags.has('confirm'))) out.push(`${source}: consents for the operator: ${command}`)
      return out
    })
    expect(problems).toEqual([])
  })

  it('are never mentioned outside backticks, where nobody could tell where they end', () => {
    expect(texts.flatMap(({source, text}) => bareMentions(text).map((line) => `${source}: ${line}`))).toEqual([])
  })
})
