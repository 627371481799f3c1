// The build keeps the sandbox off every other command's path (scripts/bundle.js): a command outside sandbox/ that
// loads sandbox code, or a bundle holding node-forge or a sandbox program, fails the build.
import {describe, expect, it} from 'vitest'

type Import = {path: string; kind: string; external?: boolean}
type Metafile = {inputs: Record<string, {imports: Import[]}>}

const {checkSandboxOffPath} = (await import(new URL('../../scripts/bundle.js', import.meta.url).href)) as {
  checkSandboxOffPath: (metafile: Metafile) => void
}

/** A metafile of `edges`, "from → to" static imports (" ~> " dynamic). */
function metafile(...edges: string[]): Metafile {
  const inputs: Metafile['inputs'] = {}
  for (const edge of edges) {
    const [from, kind, to] = edge.split(/ (→|~>) /)
    inputs[from] ??= {imports: []}
    inputs[to] ??= {imports: []}
    inputs[from].imports.push({path: to, kind: kind === '→' ? 'import-statement' : 'dynamic-import'})
  }
  return {inputs}
}

const SANDBOX_UP = [
  'dist/commands/sandbox/up.js → dist/sandbox/control/up.js',
  'dist/sandbox/control/up.js → dist/sandbox/control/launch.js',
  'dist/sandbox/control/up.js → dist/domain/errors.js',
]

describe('the sandbox in the bundle', () => {
  it('is allowed on the sandbox commands’ own path', () => {
    expect(() => checkSandboxOffPath(metafile(...SANDBOX_UP, 'dist/commands/inventory.js → dist/domain/errors.js'))).not.toThrow()
  })

  it('fails the build when another command, a hook or the output guard reaches it, even through shared code', () => {
    for (const edges of [
      ['dist/commands/inventory.js → dist/services/inventory.js', 'dist/services/inventory.js → dist/sandbox/control/state.js'],
      ['dist/hooks/command-not-found.js → dist/sandbox/emulator/world.js'],
      ['dist/shared/output-guard.js → dist/sandbox/processes.js'],
    ]) {
      expect(() => checkSandboxOffPath(metafile(...SANDBOX_UP, ...edges))).toThrow(/sandbox code on another command's path/)
    }
  })

  it('lets another command import it lazily (evaluated only when asked), but never hold node-forge or a program', () => {
    expect(() => checkSandboxOffPath(metafile('dist/commands/probe.js ~> dist/sandbox/processes.js'))).not.toThrow()
    for (const held of ['node_modules/node-forge/lib/forge.js', 'dist/sandbox/certs.js', 'dist/sandbox/emulator/server.js', 'dist/sandbox/replicator/main.js']) {
      expect(() => checkSandboxOffPath(metafile(...SANDBOX_UP, `dist/sandbox/control/launch.js ~> ${held}`))).toThrow(/holds what only the sandbox's own processes run/)
    }
  })
})
