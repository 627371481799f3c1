// Members must load the same modules; modules are create-only.
import {driftRule, recreate} from './helpers.js'

const show = (modules: string[]) => (modules.length === 0 ? 'no modules' : modules.join(' + '))

export const modulesMismatch = driftRule<string[]>('every member loads the same modules', {
  rule: 'modules-mismatch',
  severity: 'error',
  setting: 'modules',
  pick: (m) => m.modules.map((mod) => mod.name).sort((a, b) => a.localeCompare(b)),
  show,
  keyOf: (modules) => modules.map((n) => n.toLowerCase()).join(' '),
  remedy: (odd, to, ctx) =>
    `modules are create-only: ${recreate(odd, to ? `with ${show(to)}` : 'with the modules you pick for the group', ctx)}`,
})
