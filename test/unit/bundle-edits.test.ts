// scripts/bundle.js edits three exact texts of oclif's start-up; a release of oclif that changes one fails the build.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

const {oclifEdited: edited} = (await import(new URL('../../scripts/bundle.js', import.meta.url).href)) as {oclifEdited: (path: string) => string}
const dir = mkdtempSync(join(tmpdir(), 'geo-redis-oclif-edits-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function oclifFile(relative: string, text: string): string {
  const path = join(dir, 'node_modules/@oclif/core/lib', relative)
  mkdirSync(join(path, '..'), {recursive: true})
  writeFileSync(path, text)
  return path
}

describe("the build's edits to oclif", () => {
  it('applies each to the text it names', () => {
    expect(edited(oclifFile('index.js', 'a\ncheckNodeVersion();\nb'))).toBe('a\nb')
    expect(edited(oclifFile('util/os.js', "  return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();"))).toBe('  return (0, node_os_1.platform)();')
    expect(edited(oclifFile('config/plugin.js', 'x.sort((a, b) => a.id.localeCompare(b.id));'))).toMatch(/^x\.sort\(\(a, b\) => \(\/\^\[a-z:-\]\*\$\//)
  })

  it('fails when oclif no longer has that text', () => {
    expect(() => edited(oclifFile('index.js', 'checkNodeVersionSoon();'))).toThrow(/OCLIF_EDITS/)
    expect(() => edited(oclifFile('util/os.js', 'return platform()'))).toThrow(/no longer reads/)
  })
})
