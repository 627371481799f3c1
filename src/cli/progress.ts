// Progress on stderr: a spinner on a terminal (shown only when work outlasts 300 ms), plain lines otherwise.
// Never on stdout, so results and JSON stay clean.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export interface Progress {
  update(text: string): void
  /** a line that must be kept (a step done, a warning), on a terminal or not */
  note(line: string): void
  stop(): void
}

export function startProgress(text: string, options: {quiet?: boolean; stream?: NodeJS.WriteStream} = {}): Progress {
  const stream = options.stream ?? process.stderr
  // piped: no spinner frames in logs, only the lines worth keeping
  if (options.quiet || !stream.isTTY) return {update() {}, note: (line) => stream.write(`${line}\n`), stop() {}}

  let frame = 0
  let shown = false
  const clear = () => shown && stream.write('\r\x1b[2K')
  const draw = () => {
    shown = true
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`)
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
