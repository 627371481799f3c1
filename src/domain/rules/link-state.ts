// Every member's own view must show every link as Linked; anything else is a link in trouble or in motion.
import {idKey} from '../ids.js'
import {agree, everyoneScope, groupBy, groupName, ids, is, names, nameOf, unlinkCommands} from './helpers.js'
import type {Rule} from './types.js'

/** By state: what to do about `t`; `unlink` is the command that force-unlinks it from a member that stays. */
const ADVICE: Record<string, (t: string, group: string, unlink: string) => string> = {
  linking: (t) =>
    `a create or force-link of ${t} is still running: re-run check when it is Linked; if it stays Linking, ` +
    `watch the Geo Replication Healthy metric (the docs suggest alerting when it is 0 for 60 minutes) and ${t}'s provisioningState`,
  unlinking: (t) =>
    `an unlink of ${t} is still running: re-run check when it finishes; a force-unlinked database must be deleted before it can be recreated and linked again`,
  linkfailed: (t, g, unlink) =>
    `force-unlink ${t} from a member that stays (${unlink}), delete it, recreate it with the group's configuration ` +
    `and force-link it to ${g} (\`az redisenterprise database force-link-to-replication-group\`); its data is discarded`,
  unlinkfailed: (t, _, unlink) =>
    `retry the force-unlink of ${t} from a member that stays (${unlink}); once it succeeds, delete ${t} before recreating it`,
}

export const linkState: Rule = {
  name: 'link-state',
  description: "every member's view shows every link as Linked",
  needs: 'arm',
  scope: everyoneScope,
  evaluate(ctx) {
    const {group} = ctx
    const broken = group.members.flatMap((viewer) =>
      viewer.links.filter((l) => !is(l.state, 'Linked')).map((link) => ({viewer, link})),
    )
    // one finding per linked database and state, naming every member that sees it so
    return groupBy(broken, (b) => `${idKey(b.link.id)} ${b.link.state.toLowerCase()}`).map((same) => {
      const {id, state} = same[0].link
      const viewers = same.map((b) => b.viewer)
      const target = nameOf(group, id)
      const advise = ADVICE[state.toLowerCase()]
      const members = ids(viewers)
      // a member's view lists itself too, so the target may already be a viewer
      if (!members.some((m) => idKey(m) === idKey(id))) members.push(id)
      return {
        rule: 'link-state',
        severity: 'error',
        members,
        message: `${names(viewers)} ${agree(viewers, 'sees', 'see')} ${target} as ${state}`,
        remediation: advise
          ? advise(target, groupName(group), unlinkCommands(ctx, [{id}]))
          : `unexpected link state ${state}: inspect ${target} with \`az redisenterprise database show\` and re-run check`,
      }
    })
  },
}
