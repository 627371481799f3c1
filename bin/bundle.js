// Loads dist/geo-redis.cjs, the bundled CLI (scripts/bundle.js), with the V8 code cache the build made for it
// (scripts/code-cache.js): compiling the bundle is most of what a command costs to start. The cache is a shortcut
// only: it is used when it was made from this very bundle (the build id on the bundle's first line) and V8 accepts it
// (same V8 version and flags); otherwise, or without one, the bundle is compiled as usual, only slower.
// CommonJS, like bin/run.js: Node starts a CommonJS entry a few milliseconds sooner than an ES module.
'use strict'
const {isAscii} = require('node:buffer')
const {readFileSync, realpathSync} = require('node:fs')
const Module = require('node:module')
const {dirname, join} = require('node:path')
const vm = require('node:vm')

/** Loads the bundle once in this process; `exports` are its module's (COMMANDS, the hooks, Config, run, main). */
exports.loadBundle = function loadBundle({codeCache = true} = {}) {
  // the real path: oclif requires the bundle by it (its command target), and must find this instance in the cache
  const file = realpathSync(join(__dirname, '../dist/geo-redis.cjs'))
  const bytes = readFileSync(file)
  // ASCII by construction; latin1 then decodes the same text several times faster than utf8
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
  const id = source.slice(0, source.indexOf('\n'))
  const cache = codeCache ? cacheFor(`${file}.cache`, id) : undefined
  // the file is one function expression as the build wrote it (scripts/bundle.js, wrapped): compiled as it is
  const script = new vm.Script(source, {
    filename: file,
    cachedData: cache,
    // only oclif's loader of ES-module plugins, which this CLI has none of, imports at run time (scripts/bundle.js
    // refuses any other import()): it goes to Node's own loader, as it would from a file Node loaded itself
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  })
  const bundle = new Module(file)
  bundle.filename = file
  const bundleRequire = Module.createRequire(file)
  bundleRequire.cache[file] = bundle
  script.runInThisContext().call(bundle.exports, bundle.exports, bundleRequire, bundle, file, dirname(file))
  bundle.loaded = true
  return {
    exports: bundle.exports,
    /** whether a code cache was found for this bundle and V8 took it */
    cached: cache !== undefined && !script.cachedDataRejected,
    /** a code cache of everything compiled so far, for this bundle: the build writes it to `${file}.cache` */
    codeCache: () => Buffer.concat([Buffer.from(`${id}\n`, 'latin1'), script.createCachedData()]),
  }
}

/** The cached code after the cache file's first line, when that line is this bundle's build id; otherwise none. */
function cacheFor(path, id) {
  let bytes
  try {
    bytes = readFileSync(path)
  } catch {
    return undefined
  }

  const end = bytes.indexOf(10)
  return end > 0 && bytes.toString('latin1', 0, end) === id ? bytes.subarray(end + 1) : undefined
}
