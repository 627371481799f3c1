// The sandbox's background programs, named by package imports (package.json "imports"), never by paths built here:
// Node resolves the names for the bundled CLI, for dist/ and for the sources alike, and tsc resolves the same names
// (their "types" condition points at the sources), so a moved or renamed script fails the type check and the build
// (scripts/bundle.js checks every target exists), not a `sandbox up`.
import {createRequire} from 'node:module'
import {OperationError} from '../../domain/errors.js'

/** Each program's module as tsc resolves its package import: a rename breaks this type, hence the build. */
interface Programs {
  '#sandbox/emulator': typeof import('#sandbox/emulator')
  '#sandbox/replicator': typeof import('#sandbox/replicator')
  /** makes the sandbox CA and its leaf (node-forge stays out of the CLI's bundle) */
  '#sandbox/certs': typeof import('#sandbox/certs')
  /** not run by itself: the emulator loads it (--hooks) to act on the members' redis-servers */
  '#sandbox/hooks': typeof import('#sandbox/hooks')
}

export type Program = keyof Programs

export interface Script {
  /** arguments for node: the script, with tsx's loader when it is a TypeScript source */
  args: string[]
  /** the file, as it shows in the process's command line */
  path: string
}

/**
 * The script of a program: dist/… when built; the TypeScript source when the CLI runs from its sources with the
 * "geo-redis-source" condition (bin/dev.js), run through tsx.
 */
export function nodeScript(program: Program): Script {
  let path: string
  try {
    path = createRequire(import.meta.url).resolve(program)
  } catch (error) {
    throw new OperationError(`cannot find the sandbox program ${program}: ${(error as Error).message.split('\n')[0]}`, 'build geo-redis first: npm run build')
  }
  // only from the sources: the bundle never gets here (it resolves to dist/*.js)
  if (path.endsWith('.ts')) return {args: ['--import', import.meta.resolve('tsx'), path], path}
  return {args: [path], path}
}
