// Access-key authentication differs: some clients will fail on some members. Changing it on a
// geo-replicated cache means unlink, change, relink, so this is a warning to plan for, not a quick fix.
import {driftRule, groupName, names, unlinkCommands} from './helpers.js'

export const accessKeysMismatch = driftRule<string>('every member has the same access-key authentication setting', {
  rule: 'access-keys-mismatch',
  severity: 'warning',
  setting: 'access-key authentication',
  pick: (m) => m.accessKeysAuthentication,
  remedy: (odd, to, ctx) =>
    `in a maintenance window, force-unlink ${names(odd)} from a member that stays (${unlinkCommands(ctx, odd)}), set accessKeysAuthentication to ` +
    `${to ?? 'the value you pick for the group'}, then force-link back to ${groupName(ctx.group)} (its data is discarded); ` +
    'the change drops every client connection to that member',
})
