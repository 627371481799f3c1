#!/usr/bin/env -S node --conditions=geo-redis-source --import tsx
// The CLI from its TypeScript sources (tsx), for development: every src/commands file is a command, as in the bundle
// the build makes of dist/ (CommonJS like bin/run.js, so its imports are dynamic).
'use strict'
const {readFileSync} = require('node:fs')
const {join} = require('node:path')

const root = join(__dirname, '..')
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
pjson.oclif = {...pjson.oclif, commands: './src/commands', hooks: {command_not_found: './src/hooks/command-not-found.ts'}}

;(async () => {
  const {installOutputGuard} = await import('../src/shared/output-guard.ts')
  installOutputGuard()
  const {execute} = await import('@oclif/core')
  // the built manifest describes the bundle, not the sources
  await execute({development: true, loadOptions: {root, pjson, ignoreManifest: true}})
})()
