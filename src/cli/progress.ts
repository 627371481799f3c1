// Progress on stderr: a spinner on a terminal (shown only when work outlasts 300 ms), plain lines otherwise.
// Never on stdout, so results and JSON stay clean. Whatever the run waits for longer than a few seconds is named,
// with how long it has waited and the most it will (the board of waits): on the spinner's line on a terminal, as a
// line now and then otherwise (--json too: a silent wait in a CI log looks like a hang).
import type {Progress, ProgressReporter} from '../services/ports.js'
import {duringPrompt} from '../shared/output-guard.js'
import {waitLine, waits as defaultWaits, type WaitBoard} from '../shared/waits.js'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
/** a wait is named once it has lasted this long */
const WAIT_SHOWN_AFTER_MS = 3000
/** off a terminal, a wait still open is named again this often */
const WAIT_REPEATED_EVERY_MS = 15_000
const TICK_MS = 250

interface ProgressOptions {
  /** no spinner (--json off a terminal): steps and waits are plain lines */
  quiet?: boolean
  stream?: NodeJS.WriteStream
  waits?: WaitBoard
}

export function startProgress(text: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr
  const board = options.waits ?? defaultWaits
  // piped: no spinner frames in logs, only the lines worth keeping
  if (options.quiet || !stream.isTTY) {
    // the wait named last, and how long it had lasted then
    let named: {startedAt: number; who: string; elapsedMs: number} | null = null
    const ticker = setInterval(() => {
      const wait = board.longest(WAIT_SHOWN_AFTER_MS)
      if (!wait) return
      const same = named?.startedAt === wait.startedAt && named.who === wait.who
      if (same && wait.elapsedMs - named!.elapsedMs < WAIT_REPEATED_EVERY_MS) return
      named = {startedAt: wait.startedAt, who: wait.who, elapsedMs: wait.elapsedMs}
      stream.write(`  ${waitLine(wait)}\n`)
    }, TICK_MS)
    ticker.unref()
    return {update() {}, note: (line) => void stream.write(`${line}\n`), stop: () => clearInterval(ticker)}
  }

  let frame = 0
  let shown = false
  const clear = () => shown && stream.write('\r\x1b[2K')
  const draw = () => {
    shown = true
    const wait = board.longest(WAIT_SHOWN_AFTER_MS)
    const waiting = wait ? ` · ${waitLine(wait)}` : ''
    // one row: a line that wraps could not be erased by the next frame
    const line = `${FRAMES[frame++ % FRAMES.length]} ${text}${waiting}`
    stream.write(`\r\x1b[2K${stream.columns ? line.slice(0, stream.columns - 1) : line}`)
  }

  const start = setTimeout(() => {
    draw()
    timer = setInterval(draw, 80)
    timer.unref()
  }, 300)
  start.unref()
  let timer: NodeJS.Timeout | undefined
  return {
    update(next) {
      text = next
      if (shown) draw()
    },
    note(line) {
      clear()
      stream.write(`${line}\n`)
      if (shown) draw()
    },
    stop() {
      clearTimeout(start)
      if (timer) clearInterval(timer)
      clear()
      shown = false
    },
  }
}

/** A use case's progress on it: status lines update the spinner, steps are kept, indented under it. */
export function reporterOf(progress: Progress): ProgressReporter {
  return (line, kind = 'status') => (kind === 'step' ? progress.note(`  ${line}`) : progress.update(line))
}

/**
 * Frames redrawn in place on a terminal (watch), as top does: on the terminal's alternate screen, each frame from its
 * top-left corner, so a resize, a wrapped line or tmux's scroll-on-clear cannot shift them; `end` leaves it and prints
 * the last frame on the normal screen, where it stays. The cursor movement is the CLI's own, so it passes the output
 * guard as a prompt's does; a frame holds nothing but rendered cells (colours allowed). Frames are drawn in order.
 */
export function screenFrames(): {draw: (text: Promise<string>) => void; end: () => Promise<void>} {
  let last: string | null = null
  let drawing = Promise.resolve()
  const write = (bytes: string) => duringPrompt(async () => void process.stdout.write(bytes))
  return {
    draw(text) {
      drawing = drawing.then(async () => {
        const lines = (await text).split('\n')
        // home (CUP), each line erased to its end (EL), then whatever a longer frame left below (ED)
        const frame = `${last === null ? '\u001B[?1049h' : ''}\u001B[H${lines.map((line) => `${line}\u001B[K`).join('\n')}\n\u001B[J`
        last = lines.join('\n')
        await write(frame)
      })
    },
    async end() {
      await drawing
      if (last !== null) await write(`\u001B[?1049l${last}\n`)
    },
  }
}
