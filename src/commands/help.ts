import {Args, Command, loadHelpClass, type Interfaces} from '@oclif/core'
import {standardizeIDFromArgv} from '@oclif/core/help'
import {reportError} from '../cli/base.js'
import {unknownCommand} from '../cli/not-found.js'

export default class Help extends Command {
  static override summary = 'help for geo-redis or one of its commands (same as --help or -h)'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help force-unlink', '<%= config.bin %> help sandbox up']
  static override strict = false
  static override args = {command: Args.string({description: 'the command or topic, e.g. "sandbox up"'})}

  async run(): Promise<void> {
    const {argv} = await this.parse(Help)
    const words = (argv as string[]).filter((w) => !w.startsWith('-'))
    const [id] = standardizeIDFromArgv([...words], this.config)
    if (id && !this.config.findCommand(id) && !this.config.findTopic(id)) this.exit(reportError(unknownCommand(this.config, id.split(':')), false))
    const HelpClass = await loadHelpClass(this.config)
    const options = (this.config.pjson.oclif.helpOptions ?? this.config.pjson.helpOptions) as Partial<Interfaces.HelpOptions> | undefined
    await new HelpClass(this.config, options).showHelp(words)
  }
}
