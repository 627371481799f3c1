// docs/runbook.md is checked against the runbook's one step list (RUNBOOK_STEPS): the same steps, in the same order,
// with the titles the terminal and runbook.md show and the same one-line summaries. Fails when either changes alone.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {RUNBOOK_STEPS} from '../../src/domain/incident.js'
import {stepTitle} from '../../src/output/runbook.js'

const DOC = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8')

interface DocStep {
  heading: string
  id: string
  summary: string
  body: string
}

/** Each "## Step …" section: its heading, the `<!-- step:id -->` marker under it, the quoted summary, the rest. */
function docSteps(doc: string): DocStep[] {
  const sections = doc.split(/^(?=## Step )/m).slice(1)
  return sections.map((section) => {
    const [heading, ...rest] = section.split('\n')
    const body = rest.join('\n')
    return {
      heading: heading.replace(/^## /, '').trim(),
      id: /^<!-- step:([a-z-]+) -->$/m.exec(body)?.[1] ?? '(no step marker)',
      summary: /^> (.+)$/m.exec(body)?.[1] ?? '(no summary)',
      body,
    }
  })
}

describe('docs/runbook.md', () => {
  const steps = docSteps(DOC)

  it('has the code\'s steps, in order, with the same ids, titles and summaries', () => {
    const expected = RUNBOOK_STEPS.map((s) => ({heading: stepTitle(s.id), id: s.id, summary: s.description}))
    expect(steps.map(({heading, id, summary}) => ({heading, id, summary})), 'docs/runbook.md and RUNBOOK_STEPS in src/domain/incident.ts disagree').toEqual(expected)
  })

  it('tells the responder what to do by hand for every step that does work', () => {
    const decisions = new Set(['decision', 'confirm'])
    for (const s of steps.filter((x) => !decisions.has(x.id))) expect(s.body, `step ${s.id} has no "By hand" part`).toMatch(/\*\*By hand[^*]*\*\*/)
    for (const s of steps.filter((x) => decisions.has(x.id))) expect(s.body, `step ${s.id} says what to decide`).toContain('**Decide:**')
  })

  it('names the automation fallback and every exit code', () => {
    expect(DOC).toContain('geo-redis force-unlink --group <g> --member <m> --plan <bundle> --yes --confirm <g>')
    for (const code of [0, 1, 2, 130]) expect(DOC).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
  })
})
