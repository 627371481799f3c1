// Members must be Succeeded and Running; create/update/scale in progress is a warning, anything else an error.
import {label} from '../group.js'
import {eachMember, is} from './helpers.js'
import type {Rule} from './types.js'

const IN_PROGRESS = ['Creating', 'Updating', 'Scaling']

export const memberState: Rule = {
  name: 'member-state',
  description: 'every member is provisioned (Succeeded) and Running',
  needs: 'arm',
  evaluate(ctx) {
    return eachMember(ctx, 'member-state', (m) => {
      const off = [
        is(m.provisioningState, 'Succeeded') ? null : m.provisioningState,
        is(m.resourceState, 'Running') ? null : m.resourceState,
      ].filter((s): s is string => s !== null)
      if (off.length === 0) return null
      const message = `${label(m)} is provisioningState ${m.provisioningState}, resourceState ${m.resourceState}`
      if (off.every((s) => IN_PROGRESS.some((p) => is(s, p)))) {
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
        remediation: off.some((s) => is(s, 'Deleting'))
          ? `${m.cluster} is being deleted and the other members reconfigure without it; if that is unintended, recreate it and force-link it back`
          : `inspect it with \`az redisenterprise database show --cluster-name ${m.cluster} --resource-group ${m.resourceGroup}\` and the ` +
            'activity log, and retry the failed operation; if it cannot recover, force-unlink it from a member that stays (`geo-redis force-unlink`) and recreate it',
      }
    })
  },
}
