// Members must be Succeeded and Running, their cluster and their database alike: a cluster being scaled is
// Updating/Scaling while its database still says Succeeded/Running. The worse of the two decides: a create, update or
// scale in progress is a warning, anything else an error.
import {label, memberArmState} from '../group.js'
import {eachMember, unlinkCommands} from './helpers.js'
import type {Rule} from './types.js'

export const memberState: Rule = {
  name: 'member-state',
  description: 'every member, cluster and database, is provisioned (Succeeded) and Running',
  needs: 'arm',
  evaluate(ctx) {
    return eachMember(ctx, 'member-state', (m) => {
      const state = memberArmState(m)
      if (state.healthy) return null
      const message = `${label(m)} is ${state.text}`
      if (state.level === 'in-progress') {
        return {
          severity: 'warning',
          message,
          remediation:
            'a create, update or scale is in progress: re-run check when it is Succeeded/Running; geo-replication may be unhealthy meanwhile',
        }
      }

      return {
        severity: 'error',
        message,
        remediation: state.deleting
          ? `${m.cluster} is being deleted and the other members reconfigure without it; if that is unintended, recreate it and force-link it back`
          : `inspect it with \`az redisenterprise show --cluster-name ${m.cluster} --resource-group ${m.resourceGroup}\`, ` +
            `\`az redisenterprise database show --cluster-name ${m.cluster} --resource-group ${m.resourceGroup}\` and the ` +
            `activity log, and retry the failed operation; if it cannot recover, force-unlink it from a member that stays (${unlinkCommands(ctx, [m])}) and recreate it`,
      }
    })
  },
}
