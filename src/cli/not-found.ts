// What to say when the words typed name no command: an extra word after a command, an unknown command in a topic,
// or an unknown command with the closest ones as "did you mean". Exit 2, like every usage error.
import type {Interfaces} from '@oclif/core'
import {UsageError} from '../domain/errors.js'
import {closest} from '../domain/suggest.js'

export function unknownCommand(config: Interfaces.Config, words: string[]): UsageError {
  const bin = config.bin
  const spaced = (id: string) => id.split(':').join(' ')
  const quote = (list: string[]) => list.map((w) => JSON.stringify(w)).join(' ')
  const first = words[0] ?? ''
  if (first.startsWith('-')) {
    return new UsageError(`${first} comes before any command`, `name the command first, then its flags, e.g. \`${bin} inventory --profile sandbox\`; see \`${bin} --help\``, 'UnknownCommand')
  }

  for (let n = words.length - 1; n > 0; n--) {
    const id = words.slice(0, n).join(':')
    if (config.findCommand(id)) {
      const extra = words.slice(n)
      return new UsageError(
        `unexpected argument${extra.length === 1 ? '' : 's'} ${quote(extra)}: \`${bin} ${spaced(id)}\` takes none`,
        `see \`${bin} ${spaced(id)} --help\``,
        'UnexpectedArguments',
      )
    }

    if (config.findTopic(id)) {
      const commands = config.commandIDs.filter((c) => c.startsWith(`${id}:`)).map((c) => spaced(c.slice(id.length + 1)))
      const near = closest(words[n], commands, 1)
      return new UsageError(
        `\`${bin} ${spaced(id)}\` has no command ${JSON.stringify(words[n])}`,
        near.length > 0 ? `did you mean \`${bin} ${spaced(id)} ${near[0]}\`? see \`${bin} ${spaced(id)} --help\`` : `its commands: ${commands.join(', ')}; see \`${bin} ${spaced(id)} --help\``,
        'UnknownCommand',
      )
    }
  }

  const known = [...new Set([...config.commandIDs, ...config.topics.map((t) => t.name)].map(spaced))]
  const typed = words.join(' ')
  const near = closest(typed, known)
  return new UsageError(
    `unknown command ${JSON.stringify(typed)}`,
    near.length > 0 ? `did you mean ${near.map((c) => `\`${bin} ${c}\``).join(' or ')}? see \`${bin} --help\`` : `see \`${bin} --help\` for every command`,
    'UnknownCommand',
  )
}
