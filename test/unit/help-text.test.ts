// --help pages read cleanly at any width: oclif wraps each paragraph of a description to the terminal, so the source
// holds paragraphs (no hard wraps, which oclif would re-wrap into ragged lines), and a summary, printed unwrapped as
// the first line of the page, fits in 80 columns.
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const ROOT = fileURLToPath(new URL('../../src/commands/', import.meta.url))

function commandFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? commandFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

const FILES = commandFiles(ROOT).map((f) => relative(ROOT, f))

describe('help text', () => {
  it.each(FILES)('%s: a short summary and a description of whole paragraphs', async (file) => {
    const {default: command} = (await import(join(ROOT, file))) as {default: {summary?: string; description?: string}}
    expect(command.summary, 'every command has a summary').toBeTruthy()
    expect(command.summary!.length, command.summary).toBeLessThanOrEqual(78)
    const hardWrapped = (command.description ?? '').split('\n\n').filter((paragraph) => paragraph.includes('\n'))
    expect(hardWrapped).toEqual([])
  })
})
