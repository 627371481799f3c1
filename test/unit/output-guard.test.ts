// The output guard in a real process: a child installs it as bin/run.js does, then writes secrets the ways libraries
// and crashes do (split across writes, across the hold timer, left unfinished at exit, thrown uncaught), and writes
// escape sequences from values. Nothing secret may reach the child's stdout or stderr; our own sequences must.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {plainText, terminalSafe} from '../../src/shared/text.js'

const GUARD = fileURLToPath(new URL('../../src/shared/output-guard.ts', import.meta.url))
const REDACT = fileURLToPath(new URL('../../src/shared/redact.ts', import.meta.url))
const KEY = 'k3Y+Vv1Lw0pQzR8mN2bC4dE6fG8hJ0kL2mN4pQ6rS8t='
const TOKEN = 'opaque-arm-token-0123456789abcdefghijklmnop'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  /** when the first stdout and stderr bytes arrived (performance.now()) */
  firstAt: {stdout: number | null; stderr: number | null}
}

/** Runs `body` (an async function body, with `guard`, `secrets` and `sleep` in scope) in a child with the guard installed. */
function guarded(body: string, env: Record<string, string> = {}, argv: string[] = []): Promise<Run> {
  const script = `
    const guard = await import(${JSON.stringify(GUARD)})
    const {secrets} = await import(${JSON.stringify(REDACT)})
    guard.installOutputGuard(process.env, process.argv.slice(1))
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
    ${body}
  `
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...argv], {
      env: {...process.env, GEO_REDIS_ACCESS_TOKEN: TOKEN, ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const firstAt: Run['firstAt'] = {stdout: null, stderr: null}
    child.stdout.on('data', (d) => {
      firstAt.stdout ??= performance.now()
      stdout += d
    })
    child.stderr.on('data', (d) => {
      firstAt.stderr ??= performance.now()
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr, firstAt})
    })
  })
}

function expectClean(run: Run, ...secrets: string[]): void {
  for (const secret of secrets) {
    // any 12-character piece of a secret is a leak too
    for (let i = 0; i + 12 <= secret.length; i += 4) expect(run.stdout + run.stderr, `a piece of ${secret}`).not.toContain(secret.slice(i, i + 12))
  }
}

describe('the output guard', () => {
  it('masks an environment secret written whole, split within a tick, and split across the hold timer', async () => {
    const run = await guarded(`
      process.stdout.write('whole ${TOKEN}\\n')
      process.stdout.write('split Bearer ')
      process.stdout.write('${TOKEN.slice(0, 10)}')
      process.stdout.write('${TOKEN.slice(10)} done\\n')
      process.stderr.write('slow ${TOKEN.slice(0, 20)}')
      await sleep(150)
      process.stderr.write('${TOKEN.slice(20)} done\\n')
    `)
    expect(run.code).toBe(0)
    expectClean(run, TOKEN)
    expect(run.stdout).toBe('whole [redacted]\nsplit Bearer [redacted] done\n')
    expect(run.stderr).toBe('slow [redacted] done\n')
  }, 30_000)

  it('masks a key registered at run time, and the start of one left unfinished at exit', async () => {
    const run = await guarded(`
      secrets.add('${KEY}')
      console.error("ioredis:redis write command: 0 -> auth([ '${KEY}' ])")
      process.stdout.write('cut short: ${KEY.slice(0, 20)}')
    `)
    expectClean(run, KEY)
    expect(run.stderr).toContain("auth([ '[redacted]' ])")
    expect(run.stdout).toBe('cut short: [redacted]')
  }, 30_000)

  it('passes a partial line on within the hold time, so a spinner or prompt is not held back', async () => {
    const run = await guarded(`
      process.stdout.write('started\\n')
      process.stderr.write('\\r\\x1b[2K⠋ reading')
      await sleep(2000)
    `)
    expect(run.stderr).toBe('\r\x1b[2K⠋ reading')
    // seen long before the process ends
    expect(run.firstAt.stderr! - run.firstAt.stdout!).toBeLessThan(1000)
  }, 30_000)

  it('masks passwords inside URLs, from the command line and the environment, and every userinfo shape in text', async () => {
    const run = await guarded(
      `
      console.log(process.argv.slice(1).join(' '))
      console.log('proxy is ' + process.env.HTTPS_PROXY.replace('://', ' :// '))
      console.log('rediss://default:an0ther-p@ss@cache.example:10000/0')
    `,
      {HTTPS_PROXY: 'http://user:proxy-pa55word-xyz@proxy.example:3128'},
      ['--arm-endpoint', 'https://ops:argv-pa55word-xyz@arm.example'],
    )
    expectClean(run, 'argv-pa55word-xyz', 'proxy-pa55word-xyz', 'an0ther-p@ss')
    expect(run.stdout).toContain('rediss://default:[redacted]@cache.example:10000/0')
  }, 30_000)

  it('prints an uncaught error through the guard, exit 1', async () => {
    const run = await guarded(`
      setTimeout(() => { throw new Error('connect failed with ${TOKEN}') }, 0)
    `)
    expect(run.code).toBe(1)
    expectClean(run, TOKEN)
    expect(run.stderr).toContain('connect failed with [redacted]')
  }, 30_000)

  it('covers NODE_DEBUG, which Node writes through process.stderr', async () => {
    const run = await guarded(
      `
      const {debuglog} = await import('node:util')
      debuglog('http')('headers %o', {Authorization: 'Bearer ${TOKEN}'})
    `,
      {NODE_DEBUG: 'http'},
    )
    expectClean(run, TOKEN)
    expect(run.stderr).toMatch(/HTTP \d+: headers/)
  }, 30_000)

  it('writes secrets the operator asked for unmasked, and only there', async () => {
    const run = await guarded(`
      secrets.add('${KEY}')
      guard.writeWithSecrets('GEO_REDIS_WESTUS2_KEY=${KEY}\\n')
      process.stderr.write('warning about ${KEY}\\n')
    `)
    expect(run.stdout).toBe(`GEO_REDIS_WESTUS2_KEY=${KEY}\n`)
    expect(run.stderr).toBe('warning about [redacted]\n')
  }, 30_000)

  it('keeps our colours and spinner, strips what a value could do to the terminal, and lets a prompt move its cursor', async () => {
    const run = await guarded(`
      const name = 'evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[1A\\x9b2J\\rname'
      process.stdout.write('\\x1b[32mok\\x1b[39m ' + name + '\\n')
      process.stderr.write('\\r\\x1b[2K⠋ step\\n')
      await guard.duringPrompt(async () => process.stderr.write('\\x1b[1A\\x1b[2K\\x1b[?25lprompt\\x1b[?25h\\n'))
    `)
    expect(run.stdout).toBe('\x1b[32mok\x1b[39m evilname\n')
    expect(run.stderr).toBe('\r\x1b[2K⠋ step\n\x1b[1A\x1b[2K\x1b[?25lprompt\x1b[?25h\n')
  }, 30_000)

  it('calls every write callback, in order', async () => {
    const run = await guarded(`
      const seen = []
      process.stdout.write('a', () => seen.push('a'))
      process.stdout.write('b\\n', () => seen.push('b'))
      process.stdout.write('c', 'utf8', () => seen.push('c'))
      await sleep(100)
      process.stderr.write(seen.join(',') + '\\n')
    `)
    expect(run.stdout).toBe('ab\nc')
    expect(run.stderr).toBe('a,b,c\n')
  }, 30_000)
})

describe('plainText', () => {
  it('removes escape sequences whole, controls and bidi overrides; one line unless asked to keep lines', () => {
    expect(plainText('a\x1b]0;title\x07b\x1b[2Jc\x1b[1;1Hd\x9b31me\u202ef\x00g\x7fh')).toBe('abcdefgh')
    expect(plainText('x\x1bP1$r\x1b\\y')).toBe('xy')
    expect(plainText('line one\r\nline\ttwo')).toBe('line one line two')
    expect(plainText('line one\r\nline\ttwo\x1b[A', {keepLines: true})).toBe('line one\nline\ttwo')
  })
})

describe('terminalSafe', () => {
  it('keeps colours, tabs, line feeds and the spinner, and nothing else', () => {
    expect(terminalSafe('\x1b[1m\x1b[36mhead\x1b[39m\x1b[22m\tcol\n')).toBe('\x1b[1m\x1b[36mhead\x1b[39m\x1b[22m\tcol\n')
    expect(terminalSafe('\r\x1b[2K⠙ x')).toBe('\r\x1b[2K⠙ x')
    expect(terminalSafe('over\rwrite\x1b[2J\x1bc\x1b]8;;http://x\x07link\x1b]8;;\x07\x07')).toBe('overwritelink')
    expect(terminalSafe('\x1b[3A\x1b[?25l')).toBe('')
    expect(terminalSafe('\x1b[3A\x1b[?25l\r', {prompt: true})).toBe('\x1b[3A\x1b[?25l\r')
    expect(terminalSafe('\x1b]0;t\x07\x1b[2J', {prompt: true})).toBe('')
    // watch's frames: the alternate screen and the cursor home, only as the CLI's own (never from a value)
    expect(terminalSafe('\x1b[?1049h\x1b[Hframe\x1b[K\n\x1b[J\x1b[?1049l', {prompt: true})).toBe('\x1b[?1049h\x1b[Hframe\x1b[K\n\x1b[J\x1b[?1049l')
    expect(terminalSafe('\x1b[?1049h\x1b[H\x1b[2;5H')).toBe('')
  })
})
