// Build step: renders the root `geo-redis --help` once, as oclif prints it to a non-terminal (80 columns), so
// bin/run.js can answer it without loading oclif. It depends only on the manifest, which is built just before.
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'

const env = {...process.env, GEO_REDIS_NO_HELP_CACHE: '1'}
delete env.OCLIF_COLUMNS
const help = execFileSync(process.execPath, [new URL('../bin/run.js', import.meta.url).pathname, '--help'], {env, encoding: 'utf8'})
writeFileSync(new URL('../dist/root-help.txt', import.meta.url), help)
