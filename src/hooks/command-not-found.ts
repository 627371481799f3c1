// oclif's command_not_found hook: the usage error with "did you mean", printed like every other error, exit 2.
// Loaded only when no command matched, so start-up stays as fast as before.
import type {Hook} from '@oclif/core'

const hook: Hook.CommandNotFound = async function (options) {
  const [{unknownCommand}, {reportError}] = await Promise.all([import('../cli/not-found.js'), import('../cli/base.js')])
  const json = options.argv?.includes('--json') ?? false
  this.exit(reportError(unknownCommand(options.config, options.id.split(':')), json))
}

export default hook
