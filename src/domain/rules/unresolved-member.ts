// A linked database ARM could not read, judged by why: a region that does not answer is the outage the operator is
// chasing and a deleted member still linked needs a force-unlink (errors, the group fails); no access, a subscription
// outside the run or an odd answer say nothing about the member's health (warnings; the read error itself still
// fails the check).
import {label} from '../group.js'
import type {Member} from '../model.js'
import {CAUSE_TEXT, causeMeansDown, type ReadCause} from '../read.js'
import {everyoneScope, geoRedis, groupName, unlinkCommands} from './helpers.js'
import type {CheckContext, Rule} from './types.js'

/** What to do about an unread member, by cause: the runbook and force-unlink, Reader access, or the unlink of a deleted member. */
function unreadRemediation(m: Member, ctx: CheckContext, cause: ReadCause): string {
  const {group} = ctx
  const unlink = unlinkCommands(ctx, [m])
  switch (cause) {
    case 'region-not-answering':
      return (
        `its region does not answer: follow the incident runbook (${geoRedis(ctx, 'runbook', 'incident', '--group', group.nickname || '<nickname>')}); ` +
        `if the outage lasts, force-unlink ${m.cluster} from a surviving member (${unlink}) before replication metadata fills the ` +
        "others' memory, and delete and recreate it (or force-link it) once the region recovers"
      )
    case 'not-found':
      return `${m.cluster} is deleted but ${groupName(group)} still links it: force-unlink the deleted member from a member that stays (${unlink})`
    case 'forbidden':
      return `grant the identity the Reader role on subscription ${m.subscriptionId || 'of the member'} (or its resource group ${m.resourceGroup || ''}), then re-run: its health cannot be judged without it`
    case 'not-listed':
      return `its subscription ${m.subscriptionId} is outside this run and could not be read directly: pass --subscription ${m.subscriptionId} with an identity that can read it, or check ${geoRedis(ctx, 'inventory', '--subscription', m.subscriptionId)}`
    case 'unknown':
      return `re-run; if ARM keeps answering this, check ${geoRedis(ctx, 'inventory', '--subscription', m.subscriptionId)} and the Azure status page`
  }
}

export const unresolvedMember: Rule = {
  name: 'unresolved-member',
  description: 'every linked database could be read; one whose region does not answer, or one deleted but still linked, fails the group',
  needs: 'arm',
  scope: everyoneScope,
  evaluate(ctx) {
    const {group} = ctx
    return group.unreadable.map((m) => {
      const {cause, code, message} = m.readError!
      return {
        rule: 'unresolved-member',
        // a region that does not answer, or a deleted member, is the member down; the other causes only hide it
        severity: causeMeansDown(cause) ? 'error' : 'warning',
        members: [m.id],
        message: `${label(m)} is linked but could not be read: ${cause}, ${CAUSE_TEXT[cause]} (${code}: ${message})`,
        remediation: unreadRemediation(m, ctx, cause),
      }
    })
  },
}
