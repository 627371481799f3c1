#!/usr/bin/env node
// serve under load: the built CLI (`node bin/run.js serve`) watching 5 groups of 5 members (25 real redis-servers on
// connections on loopback, from a group file) at the default interval (250 ms). Figures, not a timed test:
//   - availability answers (GET /v1/bdbs/<uid>/availability?extend_check=lag&availability_lag_tolerance_ms=1000),
//     sequential over one keep-alive connection, p50/p99 as the client sees them (target p99 < 5 ms);
//   - serve's RSS after it has run a while (target < 80 MB);
//   - serve's CPU, % of one core, over an idle stretch with no request (target < 5%).
// `node bench/serve.js [--seconds 20] [--requests 2000] [--no-write]`; needs `npm run build` first.
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {REPO} from './lib/context.js'
import {installCleanup, killAll, tempDir} from './lib/proc.js'
import {startRedisServer} from './lib/redis.js'
import {table, updateSection, verdict} from './lib/report.js'
import {quantile} from './lib/stats.js'

const TARGETS = {p99Ms: 5, rssMb: 80, cpuPct: 5}
const {values: opts} = parseArgs({options: {seconds: {type: 'string', default: '20'}, requests: {type: 'string', default: '2000'}, 'no-write': {type: 'boolean', default: false}}})
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** utime and stime of a process in ms, from /proc (Linux; clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return {user: Number(fields[11]) * 10, system: Number(fields[12]) * 10}
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024

function get(agent, url) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    http.get(url, {agent}, (res) => {
      res.resume()
      res.on('end', () => resolve({status: res.statusCode, ms: performance.now() - started}))
    }).on('error', reject)
  })
}

async function startServe(groupFile, env) {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(REPO, 'bin/run.js'), 'serve', '--group-file', groupFile, '--listen', '127.0.0.1:0'], {env: {...process.env, ...env, CI: '1'}, stdio: ['ignore', 'ignore', 'pipe']})
  let log = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30_000)
    child.stderr.on('data', (d) => {
      log += d
      const found = /serving .* on (http:\/\/\S+)/.exec(log)?.[1]
      if (found) {
        clearTimeout(timer)
        resolve(found)
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)))
  })
  return {child, url}
}

async function main() {
  installCleanup()
  const dir = tempDir('serve')
  const servers = []
  // one redis-server per group, its 5 members 5 connections to it: heartbeats "replicate" at once, so every answer is
  // 200 and serve does a group's full work (25 sessions, 25 connections), without 25 servers and a replicator
  for (let i = 0; i < 5; i++) servers.push(await startRedisServer())
  const env = Object.fromEntries(servers.map((s, i) => [`BENCH_SERVE_PW_${i}`, s.password]))
  const groups = Array.from({length: 5}, (_, g) => ({
    nickname: `bench-${g + 1}`,
    members: Array.from({length: 5}, (_, m) => {
      return {name: `member-${m + 1}`, host: servers[g].host, port: servers[g].port, tls: false, password: {env: `BENCH_SERVE_PW_${g}`}}
    }),
  }))
  const groupFile = join(dir.path, 'groups.json')
  writeFileSync(groupFile, JSON.stringify({groups}))
  const {child, url} = await startServe(groupFile, env)
  const seconds = Number(opts.seconds)
  try {
    await sleep(5000)
    const cpuBefore = cpuMs(child.pid)
    const idleStart = performance.now()
    await sleep(seconds * 1000)
    const cpuAfter = cpuMs(child.pid)
    const elapsed = performance.now() - idleStart
    const userPct = ((cpuAfter.user - cpuBefore.user) / elapsed) * 100
    const systemPct = ((cpuAfter.system - cpuBefore.system) / elapsed) * 100
    const cpuPct = userPct + systemPct
    const rss = rssMb(child.pid)

    const agent = new http.Agent({keepAlive: true, maxSockets: 1})
    const bdbs = JSON.parse(await new Promise((resolve) => http.get(`${url}/v1/bdbs`, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve(body))
    })))
    const latencies = []
    let ok = 0
    for (let i = 0; i < Number(opts.requests); i++) {
      const uid = bdbs[i % bdbs.length].uid
      const r = await get(agent, `${url}/v1/bdbs/${uid}/availability?extend_check=lag&availability_lag_tolerance_ms=1000`)
      if (r.status === 200) ok++
      latencies.push(r.ms)
    }
    agent.destroy()
    const p50 = quantile(latencies, 0.5)
    const p99 = quantile(latencies, 0.99)
    const rssAfter = rssMb(child.pid)
    const rows = [
      ['availability p50 / p99 (25 members, keep-alive)', `${p50.toFixed(2)} / ${p99.toFixed(2)} ms`, `p99 < ${TARGETS.p99Ms} ms`, verdict(p99 < TARGETS.p99Ms)],
      ['answers 200', `${ok} of ${latencies.length}`, 'all', verdict(ok === latencies.length)],
      [`RSS after ${seconds + 5} s / after the requests`, `${rss.toFixed(1)} / ${rssAfter.toFixed(1)} MB`, `< ${TARGETS.rssMb} MB`, verdict(Math.max(rss, rssAfter) < TARGETS.rssMb)],
      [`CPU at the default interval (250 ms), ${seconds} s idle`, `${cpuPct.toFixed(1)} % of one core (user ${userPct.toFixed(1)}, system ${systemPct.toFixed(1)})`, `< ${TARGETS.cpuPct} %`, verdict(cpuPct < TARGETS.cpuPct)],
    ]
    const body = `## serve: 5 groups of 5 members\n\n${table(['measure', 'figure', 'target', 'verdict'], rows)}\n\nMeasured ${new Date().toISOString()} with \`node bench/serve.js --seconds ${seconds} --requests ${opts.requests}\`: serve from the built CLI (\`node bin/run.js serve --group-file\`), 5 redis-servers on loopback (a group's 5 members are 5 connections to one), no TLS, heartbeats on; the client in the same machine.`
    console.log(body)
    if (!opts['no-write']) updateSection('serve', body)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()))
    await Promise.all(servers.map((s) => s.stop()))
    dir.remove()
    killAll()
  }
}

await main()
