// One colour theme. Colour only on a terminal and never with NO_COLOR; piped output is plain text.
import {Chalk} from 'chalk'

const colour = Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb'
// FORCE_COLOR=0 (or empty) means no colour, as in chalk itself
const forced = Boolean(process.env.FORCE_COLOR) && process.env.FORCE_COLOR !== '0'
const chalk = new Chalk({level: colour || forced ? 1 : 0})

export const theme = {
  ok: (s: string) => chalk.green(s),
  warn: (s: string) => chalk.yellow(s),
  bad: (s: string) => chalk.red(s),
  dim: (s: string) => chalk.dim(s),
  bold: (s: string) => chalk.bold(s),
  heading: (s: string) => chalk.bold.cyan(s),
}

/** healthy/ok green, degraded/warn yellow, anything failing red */
export function status(value: string): string {
  if (['healthy', 'ok', 'Linked', 'Succeeded', 'Running', 'reachable', 'intact', 'pass'].includes(value)) return theme.ok(value)
  if (['incomplete', 'warn', 'warning', 'Linking', 'Updating', 'Creating', 'standalone', 'info'].includes(value)) return theme.warn(value)
  return theme.bad(value)
}

export const useColour = colour
