// Where the figures came from: they mean little without it.
import {readFileSync} from 'node:fs'
import os from 'node:os'

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'))
    if (line) return line.slice(line.indexOf(':') + 1).trim()
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown'
}

export function machine() {
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    cpu: cpuModel(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
  }
}

export function describeMachine(m) {
  return `${m.nproc} CPU (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`
}

export const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ')
