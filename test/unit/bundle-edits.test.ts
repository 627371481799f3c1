// scripts/bundle.js edits exact texts of oclif's start-up; a release of oclif that changes one fails the build.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compileFunction} from 'node:vm'
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

// the lines of each edited file that the edits look for, as oclif has them
const OS_REQUIRE = 'const node_child_process_1 = require("node:child_process");'
const OS_WSL = "  return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();"
const PLUGIN_REQUIRE = 'const tinyglobby_1 = require("tinyglobby");'
const PLUGIN_SORT = 'x.sort((a, b) => a.id.localeCompare(b.id));'

describe("the build's edits to oclif", () => {
  it('applies each to the text it names', () => {
    expect(edited(oclifFile('index.js', 'a\ncheckNodeVersion();\nb'))).toBe('a\nb')
    expect(edited(oclifFile('util/os.js', `${OS_REQUIRE}\n${OS_WSL}`)).split('\n')[1]).toBe('  return (0, node_os_1.platform)();')
    expect(edited(oclifFile('config/plugin.js', `${PLUGIN_REQUIRE}\n${PLUGIN_SORT}`)).split('\n')[1]).toMatch(/^x\.sort\(\(a, b\) => \(\/\^\[a-z:-\]\*\$\//)
  })

  it('loads a module used in one rare path when that path first uses it, not at start-up', () => {
    const loaded: string[] = []
    const fakeRequire = (id: string) => {
      loaded.push(id)
      return {execSync: () => 'ran'}
    }
    const text = edited(oclifFile('util/os.js', `${OS_REQUIRE}\n${OS_WSL}`)).replace(/\n.*$/, '\nreturn node_child_process_1')
    const lib = compileFunction(text, ['require'])(fakeRequire) as {execSync: () => string}
    expect(loaded).toEqual([])
    expect((0, lib.execSync)()).toBe('ran')
    expect(loaded).toEqual(['node:child_process'])
    expect(edited(oclifFile('parser/parse.js', 'const node_readline_1 = require("node:readline");'))).toContain('get createInterface()')
    expect(edited(oclifFile('config/plugin.js', `${PLUGIN_REQUIRE}\n${PLUGIN_SORT}`))).toContain('get glob()')
  })

  it('fails when oclif no longer has that text', () => {
    expect(() => edited(oclifFile('index.js', 'checkNodeVersionSoon();'))).toThrow(/OCLIF_EDITS/)
    expect(() => edited(oclifFile('util/os.js', `${OS_REQUIRE}\nreturn platform()`))).toThrow(/no longer reads/)
    expect(() => edited(oclifFile('parser/parse.js', 'const readline = require("node:readline");'))).toThrow(/no longer reads/)
  })
})
