// The one bounded-read helper: regular files under a cap, nothing else, never blocking on a pipe.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {FileReadError, readBoundedFile, readBoundedFileSync, type BoundedReadOptions} from '../../src/shared/bounded-read.js'

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-bounded-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const file = join(dir, 'ok.txt')
writeFileSync(file, 'hello')
const fifo = join(dir, 'pipe')
execFileSync('mkfifo', [fifo])
const link = join(dir, 'link.txt')
symlinkSync(file, link)
const sparse = join(dir, 'sparse')
writeFileSync(sparse, '')
truncateSync(sparse, 600 * 1024 * 1024)

const readers: [string, (path: string, options: BoundedReadOptions) => Promise<Buffer>][] = [
  ['sync', async (path, options) => readBoundedFileSync(path, options)],
  ['async', (path, options) => readBoundedFile(path, options)],
]

describe.each(readers)('%s', (_, read) => {
  const refusal = async (path: string, options: BoundedReadOptions = {maxBytes: 1024}) => {
    const error = await read(path, options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileReadError)
    return error as FileReadError
  }

  it('reads a regular file within its cap, through a link unless told not to', async () => {
    expect((await read(file, {maxBytes: 5})).toString()).toBe('hello')
    expect((await read(link, {maxBytes: 5})).toString()).toBe('hello')
    expect(await refusal(link, {maxBytes: 5, noFollow: true})).toMatchObject({problem: 'not-a-file', reason: 'is a symbolic link, not a regular file'})
  })

  it('refuses what is larger than the cap, by its size and without reading it', async () => {
    expect(await refusal(file, {maxBytes: 4})).toMatchObject({problem: 'too-large'})
    expect((await refusal(sparse)).reason).toBe('is 600 MB, more than the 1 KB such a file can be')
  })

  it('refuses devices, pipes and folders at once, and names what they are', async () => {
    const started = performance.now()
    expect((await refusal('/dev/zero')).reason).toBe('is a character device, not a regular file')
    expect((await refusal(fifo)).reason).toBe('is a named pipe (FIFO), not a regular file')
    expect((await refusal(dir)).reason).toBe('is a folder, not a regular file')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('says when the file is not there', async () => {
    expect(await refusal(join(dir, 'nope'))).toMatchObject({problem: 'missing', message: `${join(dir, 'nope')} does not exist`})
  })
})

it('stops an async read when its signal aborts', async () => {
  await expect(readBoundedFile(file, {maxBytes: 5, signal: AbortSignal.abort()})).rejects.toMatchObject({name: 'AbortError'})
})
