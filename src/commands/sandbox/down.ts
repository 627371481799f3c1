import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome, removeProfileNaming} from '../../cli/profiles.js'
import {renderDown} from '../../output/sandbox.js'
import {sandboxDown} from '../../sandbox/control/down.js'

export default class SandboxDown extends BaseCommand {
  static override summary = 'stop everything the sandbox started and remove its state and profile'
  static override description = `Stops the processes recorded in $GEO_REDIS_HOME/sandbox/state.json whose command line is still what the sandbox started (a recycled pid is left alone), and any other process of the sandbox folder the host shows (found by command line, working directory and pid file, so a corrupt or missing state.json loses nothing): frozen redis-servers thawed first, SIGTERM then SIGKILL. Removes the state directory and the "sandbox" profile.

Nothing running: "nothing to do", exit 0. Exit 1 when a process survived; it is named.`

  static override examples = ['<%= config.bin %> sandbox down']

  protected async execute(): Promise<CommandOutcome> {
    await this.parse(SandboxDown)
    const progress = this.progress('stopping the sandbox')
    const result = await sandboxDown({home: geoRedisHome(), forgetProfile: removeProfileNaming, onProgress: (line) => progress.update(line)}).finally(() =>
      progress.stop(),
    )
    return {data: result, exitCode: result.survivors.length > 0 ? 1 : 0, human: () => renderDown(result)}
  }
}
