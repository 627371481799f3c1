// The code under test: by default a snapshot of the built CLI (bin/, dist/, package.json, oclif.manifest.json,
// node_modules linked), so a rebuild in the work tree (`npm run build` starts with rm -rf dist) cannot pull the
// files from under a running benchmark. --in-place measures the work tree itself.
import {cpSync, existsSync, symlinkSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {tempDir} from './proc.js'

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)))

// the code cache is the build's last step: with it, the build is whole
const REQUIRED = ['bin/run.js', 'bin/bundle.js', 'package.json', 'oclif.manifest.json', 'dist/geo-redis.cjs', 'dist/help.json', 'dist/geo-redis.cjs.cache', 'dist/sandbox/emulator/main.js', 'dist/redis/probe.js', 'dist/azure/arm.js', 'dist/services/inventory.js']

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function missing(root) {
  return REQUIRED.filter((f) => !existsSync(join(root, f)))
}

/** Resolves the root to measure; the returned cleanup removes a snapshot. */
export async function codeUnderTest({inPlace = false, waitMs = 120_000} = {}) {
  // a build in progress removes dist/ for a while: wait for it to come back whole
  const end = Date.now() + waitMs
  while (missing(REPO).length > 0) {
    if (Date.now() > end) throw new Error(`the CLI is not built (missing ${missing(REPO).join(', ')}): run npm run build`)
    await sleep(1000)
  }
  if (inPlace) return {root: REPO, snapshot: false, cleanup() {}}

  for (let attempt = 1; ; attempt++) {
    const temp = tempDir('code')
    const dir = temp.path
    try {
      for (const part of ['bin', 'dist']) cpSync(join(REPO, part), join(dir, part), {recursive: true})
      for (const file of ['package.json', 'oclif.manifest.json']) cpSync(join(REPO, file), join(dir, file))
      symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
      const gaps = missing(dir)
      if (gaps.length > 0) throw new Error(`snapshot incomplete (a build was running?): ${gaps.join(', ')}`)
      return {root: dir, snapshot: true, cleanup: () => temp.remove()}
    } catch (error) {
      temp.remove()
      if (attempt >= 5) throw error
      await sleep(3000)
    }
  }
}

/** The environment for a CLI under test: the caller's, without anything that could point it at a real Azure. */
export function cleanEnv(extra = {}) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(GEO_REDIS_|AZURE_|IDENTITY_|MSI_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/.test(k)) continue
    env[k] = v
  }
  return {...env, NO_COLOR: '1', CI: '1', ...extra}
}
