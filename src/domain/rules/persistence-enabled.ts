// Geo-replicated databases do not support data persistence (AOF or RDB).
import {label} from '../group.js'
import {eachMember} from './helpers.js'
import type {Rule} from './types.js'

export const persistenceEnabled: Rule = {
  name: 'persistence-enabled',
  description: 'no member has AOF or RDB persistence enabled',
  needs: 'arm',
  evaluate(ctx) {
    return eachMember(ctx, 'persistence-enabled', (m) => {
      const {aofEnabled, rdbEnabled, aofFrequency, rdbFrequency} = m.persistence
      const on = [
        aofEnabled ? `AOF${aofFrequency ? ` (${aofFrequency})` : ''}` : null,
        rdbEnabled ? `RDB${rdbFrequency ? ` (${rdbFrequency})` : ''}` : null,
      ].filter(Boolean)
      if (on.length === 0) return null
      return {
        severity: 'error',
        message: `${label(m)} has ${on.join(' and ')} persistence enabled; geo-replication does not support persistence`,
        remediation: `turn persistence off on ${label(m)} (database PATCH properties.persistence {aofEnabled: false, rdbEnabled: false})`,
      }
    })
  },
}
