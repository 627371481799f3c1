// Paths the operator names, checked before any request: output folders and files, and CA files.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import tls from 'node:tls'
import {afterAll, describe, expect, it} from 'vitest'
import {readCaFile} from '../../../src/cli/ca-file.js'
import {checkOutputPath} from '../../../src/cli/paths.js'
import {UsageError} from '../../../src/domain/errors.js'
import {closest} from '../../../src/domain/suggest.js'
import {readOnlyFolder} from '../../helpers/read-only.js'

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-paths-'))
const file = join(dir, 'a-file')
writeFileSync(file, 'x')
const fifo = join(dir, 'a-fifo')
execFileSync('mkfifo', [fifo])
symlinkSync('/proc/self', join(dir, 'to-proc'))
const locked = readOnlyFolder(join(dir, 'locked'))
afterAll(() => {
  locked?.release()
  rmSync(dir, {recursive: true, force: true})
})

function problem(path: string, kind: 'folder' | 'file'): string | null {
  try {
    checkOutputPath(path, '--out', kind)
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
}

describe('output folders', () => {
  it.each([
    ['an existing folder', dir, null],
    ['a folder to create, several levels deep', join(dir, 'new', 'deeper'), null],
    ['empty', '', /is empty/],
    ['under /proc', '/proc/x', /under \/proc/],
    ['under /sys', '/sys/x/y', /under \/sys/],
    ['a link into /proc', join(dir, 'to-proc'), /under \/proc/],
    ['a device', '/dev/null', /is a device, not a folder/],
    ['a file', file, /is a file, not a folder/],
    ['under a file', join(file, 'sub'), /cannot be created: .* is a file, not a folder/],
    ['a FIFO', fifo, /is a FIFO/],
    ['a control character', `${dir}/a\u001b[2Jb`, /control characters/],
  ])('%s', (_name, path, expected) => {
    const found = problem(path, 'folder')
    if (expected) expect(found).toMatch(expected)
    else expect(found).toBeNull()
  })

  it.skipIf(!locked)('refuses a folder this user cannot write, or create a folder in', () => {
    expect(problem(locked!.path, 'folder')).toMatch(/cannot be written/)
    expect(problem(join(locked!.path, 'new'), 'folder')).toMatch(/cannot be written/)
    expect(problem(join(locked!.path, 'r.xml'), 'file')).toMatch(/cannot be written/)
  })

  it('creates nothing while checking', () => {
    checkOutputPath(join(dir, 'never', 'made'), '--evidence-dir', 'folder')
    expect(readdirSync(dir)).not.toContain('never')
  })
})

describe('output files', () => {
  it.each([
    ['a new file in an existing folder', join(dir, 'report.xml'), null],
    ['an existing file', file, null],
    ['a folder', dir, /is a folder, and a file is wanted/],
    ['a path ending in a slash', `${dir}/x/`, /ends with a slash/],
    ['a device', '/dev/null', /is a device, not a regular file/],
    ['a FIFO', fifo, /is a FIFO/],
    ['in a folder that does not exist', join(dir, 'missing', 'r.xml'), /in a folder that does not exist/],
    ['under a file', join(file, 'r.xml'), /is under .*a-file, which is a file, not a folder/],
    ['under /proc', '/proc/self/environ', /under \/proc/],
  ])('%s', (_name, path, expected) => {
    const found = problem(path, 'file')
    if (expected) expect(found).toMatch(expected)
    else expect(found).toBeNull()
  })
})

describe('CA files', () => {
  const pem = join(dir, 'ca.pem')
  writeFileSync(pem, tls.rootCertificates[0])
  const garbled = join(dir, 'garbled.pem')
  writeFileSync(garbled, `${tls.rootCertificates[0]}\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`)
  const big = join(dir, 'big.pem')
  writeFileSync(big, Buffer.alloc(4 * 1024 * 1024 + 1, 'a'))
  const read = (path: string) => {
    try {
      return readCaFile(path, '--ca', 'pass a PEM file')
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).suggestion).toBe('pass a PEM file')
      return (error as Error).message
    }
  }

  it('reads a PEM certificate', () => expect(read(pem)).toContain('BEGIN CERTIFICATE'))
  it.each([
    ['missing', join(dir, 'missing.pem'), /does not exist/],
    ['a folder', dir, /is a folder, not a regular file/],
    ['endless (/dev/zero)', '/dev/zero', /is a character device, not a regular file/],
    ['a FIFO, never opened', fifo, /is a named pipe \(FIFO\)/],
    ['larger than 4 MiB', big, /more than the .* such a file can be/],
    ['not a certificate', file, /holds no PEM certificate/],
    ['a certificate block that is not one', garbled, /certificate block 2 of 2 is not a readable certificate/],
  ])('refuses a CA file that is %s', (_name, path, expected) => expect(read(path)).toMatch(expected))
})

describe('did you mean', () => {
  it.each([
    ['inventorx', ['inventory', 'probe', 'check'], ['inventory']],
    ['inv', ['inventory', 'probe'], ['inventory']],
    ['tiemout-ms', ['timeout-ms', 'samples'], ['timeout-ms']],
    ['sandbox stauts', ['sandbox status', 'sandbox up'], ['sandbox status']],
    ['zzz', ['inventory', 'probe'], []],
    ['', ['inventory'], []],
  ])('%s → %j', (typed, known, expected) => expect(closest(typed, known)).toEqual(expected))
})
