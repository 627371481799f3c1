// Where `geo-redis check` puts its report: stdout in the format asked, or --out, a file a pipeline's dashboard reads,
// written whole and redacted, with a one-line summary on stderr. A run that could not start still leaves a JUnit
// file saying why, rather than no file at all.
import {GeoRedisError, UsageError} from '../domain/errors.js'
import {renderCheck, summaryLine, type CheckFormat} from '../output/check.js'
import {renderJunitNotStarted} from '../output/junit.js'
import type {CheckResult} from '../services/check.js'
import {checkOutputPath, writeOutputFile} from './paths.js'

type Tool = {name: string; version: string}

/** --json alone means JSON; with --out it keeps stdout JSON while --format picks what the file gets. */
export function checkFormatOf(flags: {json?: boolean; format: string; out?: string}): CheckFormat {
  const format = (flags.json && flags.format === 'table' ? 'json' : flags.format) as CheckFormat
  if (flags.json && format === 'junit' && !flags.out) {
    throw new UsageError('--json and --format junit both want stdout', 'add --out <file> for the JUnit report, or drop one of them')
  }
  if (flags.out !== undefined) checkOutputPath(flags.out, '--out', 'file')
  return format
}

export async function writeCheckReport(path: string, result: CheckResult, format: CheckFormat, tool: Tool): Promise<void> {
  await writeOutputFile(path, renderCheck(result, format, tool))
  process.stderr.write(`${summaryLine(result, {path, format})}\n`)
}

export async function writeNotStarted(path: string, error: Error, tool: Tool): Promise<void> {
  const {code, suggestion} = error instanceof GeoRedisError ? error : {code: error.name, suggestion: undefined}
  await writeOutputFile(path, renderJunitNotStarted({code, message: error.message, suggestion, tool, timestamp: new Date().toISOString()}))
}
