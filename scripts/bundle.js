// Build step, after tsc: dist/geo-redis.cjs, the whole CLI in one CommonJS file (oclif, every command and hook, the
// Azure SDK, ioredis …). Node then reads one file instead of ~700, and bin/run.js loads it with a V8 code cache
// (scripts/code-cache.js). The commands are found on the file system, as oclif's pattern strategy would: every
// dist/commands/**/*.js is a command whose id is its path ("sandbox/up.js" → "sandbox:up"), so a new command needs no
// registration; package.json points oclif's explicit strategy at the bundle's COMMANDS. Each dist/hooks/<name>.js is
// exported as camelCase <name> for package.json's hooks.
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(ROOT, 'dist')
export const BUNDLE = join(DIST, 'geo-redis.cjs')

/** Every .js file under dir, relative to it, in a stable order. */
function jsFiles(dir) {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort()
}

/** oclif's id for a command file: its folders and name, joined by ':' (an index.js names its folder). */
export function commandId(file) {
  const parts = file.replace(/\.js$/, '').split(sep)
  if (parts.at(-1) === 'index') parts.pop()
  return parts.join(':')
}

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())

function entrySource() {
  const commands = jsFiles(join(DIST, 'commands'))
  const hooks = jsFiles(join(DIST, 'hooks'))
  const path = (p) => JSON.stringify(join(DIST, p))
  return [
    // first: every write to stdout and stderr is guarded before any library can print (see bin/run.js)
    `import ${JSON.stringify('geo-redis:output-guard')}`,
    `import {Config, execute, run, settings} from '@oclif/core'`,
    // each command's modules are evaluated when oclif first asks for it, not all of them at start-up
    `export const COMMANDS = {`,
    ...commands.map((f) => `  get ${JSON.stringify(commandId(f))}() { return require(${path(join('commands', f))}).default },`),
    `}`,
    ...hooks.map((f) => `export {default as ${camel(f.replace(/\.js$/, ''))}} from ${path(join('hooks', f))}`),
    // the bundle is the compiled CLI: oclif never looks for TypeScript sources to transpile, whatever NODE_ENV says
    `settings.enableAutoTranspile = false`,
    `export {Config, run}`,
    `export function main(dir) { return execute({dir}) }`,
  ].join('\n')
}

// Our modules are ESM; in one CommonJS file, import.meta.url must still name the module's own file (the sandbox
// resolves its programs' package imports from it, see src/sandbox/control/scripts.ts), so it becomes that file's URL
// relative to the bundle's directory.
const esmInCjs = {
  name: 'esm-in-cjs',
  setup(b) {
    b.onResolve({filter: /^geo-redis:output-guard$/}, () => ({path: 'output-guard', namespace: 'geo-redis'}))
    b.onLoad({filter: /.*/, namespace: 'geo-redis'}, () => ({
      contents: `import {installOutputGuard} from ${JSON.stringify(join(DIST, 'shared/output-guard.js'))}\ninstallOutputGuard()`,
      resolveDir: DIST,
      loader: 'js',
    }))
    b.onLoad({filter: /@oclif[/\\]core[/\\]lib[/\\](config[/\\]plugin|index|util[/\\]os|parser[/\\]parse)\.js$/}, (args) => ({contents: oclifEdited(args.path), loader: 'js'}))
    b.onLoad({filter: /\.js$/}, (args) => {
      if (!args.path.startsWith(DIST + sep)) return undefined
      const url = `require('node:url').pathToFileURL(__dirname + ${JSON.stringify(`/${relative(DIST, args.path).split(sep).join('/')}`)}).href`
      const text = readFileSync(args.path, 'utf8')
        // the SDK's CommonJS copies of the core libraries, through the bundle's own require (one copy; see azure/arm.ts)
        .replace(/^const require = createRequire\(import\.meta\.url\);?$/gm, '')
        .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(')
        .replaceAll('import.meta.url', url)
        // only reached when running from sources (bin/dev.js), never from the bundle
        .replaceAll('import.meta.resolve(', '((specifier) => { throw new Error(`import.meta.resolve(${specifier}) in the bundled CLI`) })(')
      return {contents: text, loader: 'js'}
    })
    // ESM imports of @azure/* take the CommonJS build the SDK itself requires: one copy of each core library
    b.onResolve({filter: /^@azure\//}, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import' ? b.resolve(args.path, {kind: 'require-call', resolveDir: args.resolveDir}) : undefined,
    )
  },
}

// Edits to oclif's start-up, each on an exact text of its source: the build fails if oclif's changes, so none is lost
// or misapplied silently.
// - config/plugin.js sorts the manifest's commands with localeCompare, whose first call builds ICU's collator: ~6 ms
//   before the first request of every command. For ids of lower-case letters, ':' and '-' (all of ours) code-unit
//   order is the collator's order ('-' < ':' < a-z), so those are compared directly; any other id still goes through
//   localeCompare.
// - index.js checks at load that Node satisfies @oclif/core's own engines (>= 18) by loading and running semver; the
//   CLI's package.json asks for Node >= 20 and the bundle is built for it, so the check could never warn.
// - util/os.js tells WSL from Linux for config.platform (reading /proc and /.dockerenv), which only names the platform
//   in oclif's user agent, and `--version` (bin/run.js) already prints process.platform there, as now oclif does too.
// - config/plugin.js (tinyglobby, for commands found by pattern: ours are explicit), util/os.js (child_process, for the
//   Windows shell name) and parser/parse.js (readline, for an argument read from stdin) load each module at start-up
//   to use one function of it in a path few runs take: each now loads it when that function is first used.
// Together ~8 ms of CPU before the first request (bench/RESULTS.md).
const OCLIF_EDITS = [
  {
    file: /config[/\\]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id));',
    to: ".sort((a, b) => (/^[a-z:-]*$/.test(a.id) && /^[a-z:-]*$/.test(b.id) ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.id.localeCompare(b.id)));",
  },
  {file: /lib[/\\]index\.js$/, from: '\ncheckNodeVersion();\n', to: '\n'},
  ...[
    [/config[/\\]plugin\.js$/, 'tinyglobby_1', 'tinyglobby', 'glob'],
    [/util[/\\]os\.js$/, 'node_child_process_1', 'node:child_process', 'execSync'],
    [/parser[/\\]parse\.js$/, 'node_readline_1', 'node:readline', 'createInterface'],
  ].map(([file, name, module, member]) => ({
    file,
    from: `const ${name} = require("${module}");`,
    to: `const ${name} = {get ${member}() { return require("${module}").${member} }};`,
  })),
  {
    file: /util[/\\]os\.js$/,
    from: "return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();",
    to: 'return (0, node_os_1.platform)();',
  },
]

export function oclifEdited(path) {
  let source = readFileSync(path, 'utf8')
  for (const edit of OCLIF_EDITS.filter((e) => e.file.test(path))) {
    if (!source.includes(edit.from)) throw new Error(`@oclif/core's ${path} no longer reads ${JSON.stringify(edit.from)}: see OCLIF_EDITS in scripts/bundle.js`)
    source = source.replace(edit.from, edit.to)
  }
  return source
}

/**
 * The bundle as one function of CommonJS's five names, which bin/bundle.js compiles as the file is and calls: no
 * wrapper concatenated at run time, so no second 2.5 MB copy of the source to make and collect on every start (~3 ms
 * there). Loaded by Node itself (as `oclif manifest` does at build time, through package.json), the same file calls
 * that function with the module's own names and so is an ordinary CommonJS module.
 */
function wrapped(text) {
  // a script's `this` is the global object, a CommonJS module's its exports
  const call = '(self === globalThis ? body : body.call(exports, exports, require, module, __filename, __dirname))'
  return `((body, self) => ${call})(function (exports, require, module, __filename, __dirname) {${text}\n}, this)\n`
}

/** Non-ASCII characters as \u escapes: esbuild leaves them only in regular expression literals, where they mean the same. */
function ascii(text) {
  return text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

export async function bundle() {
  const result = await build({
    stdin: {contents: entrySource(), resolveDir: DIST, sourcefile: 'geo-redis-entry.js'},
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    outfile: BUNDLE,
    // smaller to read and to take the code cache of (local names shortened: 3.4 → 2.5 MB, ~9 ms less to load);
    // function and class names kept, as error and class names may be compared
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    keepNames: true,
    legalComments: 'eof',
    charset: 'ascii',
    // oclif's TypeScript support (transpiling sources in development) is switched off in the bundle
    external: ['typescript', 'ts-node', 'tsx'],
    metafile: true,
    // metafile paths relative to the project (dist/…, node_modules/…)
    absWorkingDir: ROOT,
    logLevel: 'warning',
    plugins: [esmInCjs],
  })
  checkOneCopy(result.metafile)
  checkSandboxOffPath(result.metafile)
  checkPackageImports()
  const text = ascii(result.outputFiles[0].text)
  // an import() left in the bundle would go to Node's loader from inside vm.Script (bin/bundle.js), which works only
  // in part on Node 20: every module the CLI imports lazily is in the bundle, an external only through require
  const left = text.match(/\bimport\(\s*["'`][^"'`]*/g)
  if (left) throw new Error(`the bundle still imports at run time: ${left.join(', ')}`)
  // the build id on the first line ties a code cache to this very bundle (bin/bundle.js)
  const body = wrapped(text)
  const id = createHash('sha256').update(body).digest('hex').slice(0, 32)
  writeFileSync(BUNDLE, `//geo-redis:${id}\n${body}`)
  return {file: BUNDLE, id, bytes: Buffer.byteLength(text)}
}

// a second copy of an Azure core library (its ESM build next to the CommonJS one) would double the SDK's load time
function checkOneCopy(metafile) {
  const builds = new Map()
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/node_modules\/(@azure\/[^/]+)\/dist\/([^/]+)\//)
    if (m) builds.set(m[1], new Set([...(builds.get(m[1]) ?? []), m[2]]))
  }
  const doubled = [...builds].filter(([, b]) => b.size > 1)
  if (doubled.length > 0) throw new Error(`the bundle holds two builds of ${doubled.map(([p, b]) => `${p} (${[...b].join(', ')})`).join('; ')}`)
}

// The sandbox is reached only by the sandbox commands: no other command evaluates a line of it. Its programs (the
// emulator, the replicator, the certificate maker and with it node-forge) are never in the bundle: they run in their
// own processes, from dist/ (package.json "imports").
export function checkSandboxOffPath(metafile) {
  const inputs = metafile.inputs
  const staticReach = (from) => {
    const seen = new Set()
    for (const stack = [from]; stack.length > 0; ) {
      const path = stack.pop()
      if (seen.has(path)) continue
      seen.add(path)
      for (const i of inputs[path]?.imports ?? []) if (!i.external && i.kind !== 'dynamic-import') stack.push(i.path)
    }
    return [...seen]
  }
  const problems = []
  for (const input of Object.keys(inputs).filter((p) => /^dist\/(commands|hooks)\/|^dist\/shared\/output-guard\.js$/.test(p))) {
    const sandbox = input.startsWith('dist/commands/sandbox/') ? undefined : staticReach(input).find((p) => p.startsWith('dist/sandbox/'))
    if (sandbox) problems.push(`${input} loads ${sandbox}`)
  }
  const programs = /^(node_modules\/node-forge\/|dist\/sandbox\/(certs|certs-main|emulator\/(main|server)|replicator\/main|members\/hooks)\.js$)/
  const held = [...new Set(Object.keys(inputs).filter((p) => programs.test(p)).map((p) => p.replace(/^(node_modules\/[^/]+)\/.*/, '$1')))]
  if (held.length > 0) problems.push(`the bundle holds what only the sandbox's own processes run: ${held.join(', ')}`)
  if (problems.length > 0) throw new Error(`sandbox code on another command's path:\n  ${problems.join('\n  ')}`)
}

// Every package import (package.json "imports": the sandbox's programs) names a file the build made, and its sources:
// a script moved without its import fails here, not in a `sandbox up`.
function checkPackageImports() {
  const {imports = {}} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const missing = Object.entries(imports).flatMap(([name, targets]) =>
    Object.values(targets)
      .filter((target) => !existsSync(join(ROOT, target)))
      .map((target) => `${name} → ${target}`),
  )
  if (missing.length > 0) throw new Error(`package.json "imports" name files that do not exist: ${missing.join(', ')}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const {file, id, bytes} = await bundle()
  process.stderr.write(`bundled ${relative(ROOT, file)} (${(bytes / 1e6).toFixed(2)} MB, build ${id})\n`)
}
