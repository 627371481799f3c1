// `endpoints export --format <library>`: every renderer is a pure function of the one failover model.
// node-redis is not here: the released `redis` package (6.3.1, the latest on the registry) ships no multi-database
// client (createMultiDbClient); see docs/client-failover.md.
import type {FailoverModel} from '../../domain/failover/model.js'
import {json} from '../table.js'
import {renderGoRedis} from './go-redis.js'
import {renderJedis} from './jedis.js'
import {renderLettuce} from './lettuce.js'
import {renderRedisPy} from './redis-py.js'
import {renderStackExchange} from './stackexchange.js'

export const FAILOVER_FORMATS = ['failover-json', 'redis-py', 'jedis', 'lettuce', 'go-redis', 'stackexchange'] as const
export type FailoverFormat = (typeof FAILOVER_FORMATS)[number]

const RENDERERS: Record<FailoverFormat, (model: FailoverModel) => string> = {
  'failover-json': (model) => json(model),
  'redis-py': renderRedisPy,
  jedis: renderJedis,
  lettuce: renderLettuce,
  'go-redis': renderGoRedis,
  stackexchange: renderStackExchange,
}

export function renderFailover(model: FailoverModel, format: FailoverFormat): string {
  return RENDERERS[format](model)
}

export function isFailoverFormat(format: string): format is FailoverFormat {
  return (FAILOVER_FORMATS as readonly string[]).includes(format)
}
