// Node parses its ~150 root certificates the first time any TLS context is built (30-40 ms here: OpenSSL 3 is slow at
// PEM) and keeps them for the whole process, every thread. A worker thread builds a default context on an idle core
// while the main thread loads the CLI, so the command's first request finds them parsed. Trust is unchanged: it is the
// same process-wide store. The thread costs ~70 ms of CPU, so it runs only where a core is idle to take it.
'use strict'
const fs = require('node:fs')
const os = require('node:os')

/**
 * Whether to parse the certificates on another thread: not for serve (long-running: the thread's memory counts
 * against its RSS and its start-up is on nobody's path), and only when a core besides this process's is idle now
 * (`busy`: how many cores other work keeps busy), not on one core nor beside tests running side by side, where the
 * thread would only take CPU from them.
 */
exports.wantsWarmUp = function wantsWarmUp({command, cores, busy}) {
  return command !== 'serve' && busy < cores - 1
}

/**
 * How many cores other work keeps busy: the runnable tasks right now besides this one, unless the 1-minute load
 * average is lower (Linux's /proc/loadavg, "0.52 0.58 0.59 2/245 12345"). The count is one instant: a task that
 * happens to run just then (a shell, a daemon's tick) cost a quiet machine its warm-up in 1 run of 8; the average
 * lags by a minute, after a burst as much as into one. The lower of the two is high only under sustained load.
 */
exports.busyOf = function busyOf(loadavg) {
  const fields = loadavg.split(' ')
  const running = Number(fields[3]?.split('/')[0]) - 1
  const average = Number(fields[0])
  return Number.isNaN(running) ? average : Math.min(running, average)
}

function busyCores() {
  try {
    return exports.busyOf(fs.readFileSync('/proc/loadavg', 'latin1'))
  } catch {
    return os.loadavg()[0]
  }
}

/** `machine`: this one's cores and how busy they are, unless given. */
exports.warmRootCertificates = function warmRootCertificates(command, machine = {cores: os.availableParallelism(), busy: busyCores()}) {
  if (!exports.wantsWarmUp({command, ...machine})) return
  try {
    const {Worker} = require('node:worker_threads')
    // none of this process's Node options: a preload it was started with (an APM agent, a benchmark's probe) has no
    // business in this thread; the ones that shape TLS (--use-openssl-ca, --openssl-config) are process-wide anyway
    const worker = new Worker("require('node:tls').createSecureContext()", {eval: true, execArgv: [], stdout: true, stderr: true})
    // whatever goes wrong there, the command builds its own context as it would have
    worker.on('error', () => {})
    worker.unref()
  } catch {
    // same: a process that cannot start a thread parses the certificates itself
  }
}
