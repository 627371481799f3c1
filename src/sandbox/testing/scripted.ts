// The operator, scripted: a Prompter that gives the answers a test lists, in order (or Ctrl-C, or silence until the
// prompt times out), and group locks held in memory. A question the script did not expect fails the test with the
// question itself. The runbook's Display is recorded by test/helpers/recording-display.ts (its events are the
// runbook's own types, not a port of services/ports.ts).
import {UsageError} from '../../domain/errors.js'
import type {Answer, Choice, GroupLocks, Prompter, Unanswered} from '../../services/ports.js'

/** One answer: the choice whose name starts with `select`, yes or no, typed text, or none. */
export type Scripted = {select: string} | {confirm: boolean} | {input: string} | {unanswered: Unanswered}

interface Asked {
  kind: 'select' | 'confirm' | 'input'
  question: string
  /** the names of a select's choices */
  choices?: string[]
}

export class ScriptedPrompter implements Prompter {
  readonly asked: Asked[] = []
  private readonly script: Scripted[]

  constructor(
    script: Scripted[],
    readonly timeoutMs = 5 * 60_000,
  ) {
    this.script = [...script]
  }

  /** answers the script still holds: a test that expects every question to be asked checks this is 0 */
  get left(): number {
    return this.script.length
  }

  private next(asked: Asked): Scripted {
    this.asked.push(asked)
    const answer = this.script.shift()
    if (!answer) throw new Error(`unexpected question: ${asked.question}`)
    return answer
  }

  async select<T>(question: string, choices: Choice<T>[]): Promise<Answer<T>> {
    const answer = this.next({kind: 'select', question, choices: choices.map((c) => c.name)})
    if ('unanswered' in answer) return answer
    if (!('select' in answer)) throw new Error(`the script answers "${question}" with ${JSON.stringify(answer)}, not a choice`)
    const choice = choices.find((c) => c.name.startsWith(answer.select))
    if (!choice) throw new Error(`no choice starts with "${answer.select}" in ${JSON.stringify(choices.map((c) => c.name))}`)
    return {value: choice.value}
  }

  async confirm(question: string): Promise<Answer<boolean>> {
    const answer = this.next({kind: 'confirm', question})
    if ('unanswered' in answer) return answer
    if (!('confirm' in answer)) throw new Error(`the script answers "${question}" with ${JSON.stringify(answer)}, not yes or no`)
    return {value: answer.confirm}
  }

  async input(question: string): Promise<Answer<string>> {
    const answer = this.next({kind: 'input', question})
    if ('unanswered' in answer) return answer
    if (!('input' in answer)) throw new Error(`the script answers "${question}" with ${JSON.stringify(answer)}, not text`)
    return {value: answer.input.trim()}
  }
}

/** Group locks in memory: the holds a run took, and a group a test marks as held by another run. */
export class MemoryLocks implements GroupLocks {
  readonly held: string[] = []
  readonly busy = new Set<string>()

  async hold(groupKey: string, nickname: string, what: string): Promise<void> {
    if (this.busy.has(groupKey)) throw new UsageError(`another geo-redis run is changing group "${nickname}"`, 'wait for it to finish', 'GroupBusy')
    this.held.push(what)
  }
}
