// Members on different Redis versions usually converge after maintenance; a deferred upgrade can hold one back.
import {driftRule, highest, names, versionScore} from './helpers.js'

export const redisVersionMismatch = driftRule<string>('every member runs the same Redis version', {
  rule: 'redis-version-mismatch',
  severity: 'warning',
  setting: 'Redis version',
  pick: (m) => m.redisVersion,
  choose: highest<string>(versionScore),
  remedy: (odd, to) =>
    `upgrade ${names(odd)}${to ? ` to ${to}` : ''} (database POST upgradeDBRedisVersion, api-version 2025-07-01), ` +
    'or wait for the scheduled upgrade if deferUpgrade is set',
})
