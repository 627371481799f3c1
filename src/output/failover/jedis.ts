// Jedis's multi-database client (MultiDbConfig, MultiDbClient; health checks in redis.clients.jedis.mcf), as
// Jedis's "Client-side geographic failover" documentation names it. Defaults are the ones that page lists.
import type {FailoverMember, FailoverModel} from '../../domain/failover/model.js'
import {configured, quoted, setting, type LibraryDefaults} from './common.js'
import {javaClass, javaFloat, javaKey, javaRef, wholeSeconds} from './java.js'

const DEFAULTS: LibraryDefaults = {failureWindowMs: 2000, failureRatePct: 10, failbackIntervalMs: 120_000, gracePeriodMs: 60_000, lagToleranceMs: 100}

function clientConfig(m: FailoverMember): string {
  const auth = m.auth.kind === 'entra' ? '.authXManager(new AuthXManager(entra()))' : `.password(${javaKey(m)})`
  return `DefaultJedisClientConfig.builder().ssl(${m.tls ? 'true' : 'false'})${auth}.build()`
}

function database(m: FailoverMember): string[] {
  return [
    `// ${m.rank}. ${m.location}: ${m.cluster}/${m.database} (${m.why})${m.notRead ? `; not read by ARM: ${m.notRead.cause}` : ''}`,
    `builder.database(DatabaseConfig.builder(new HostAndPort(${quoted(m.host!)}, ${m.port}), ${clientConfig(m)})`,
    `        .weight(${javaFloat(m.weight)})`,
    '        .healthCheckStrategySupplier(healthCheck)',
    '        .build());',
  ]
}

function healthCheck(model: FailoverModel): string[] {
  const hc = model.healthCheck
  if (hc.kind === 'ping') return ['MultiDbConfig.StrategySupplier healthCheck = PingStrategy.DEFAULT;']
  const tolerance = setting(model, DEFAULTS, 'lagToleranceMs')
  return [
    `// lag-aware: geo-redis serve at ${hc.url}:${hc.restPort}, Basic auth by reference`,
    'MultiDbConfig.StrategySupplier healthCheck = (hostAndPort, clientConfig) -> new LagAwareStrategy(',
    `        LagAwareStrategy.Config.builder(new HostAndPort(${quoted(new URL(hc.url).hostname)}, ${hc.restPort}),`,
    `                        () -> new DefaultRedisCredentials(${javaRef(hc.basicAuth.user)}, ${javaRef(hc.basicAuth.password)}))`,
    '                .extendedCheckEnabled(true)',
    `                .availabilityLagTolerance(Duration.ofMillis(${tolerance.value})) // ${tolerance.from}`,
    '                .build());',
  ]
}

export function renderJedis(model: FailoverModel): string {
  const window = setting(model, DEFAULTS, 'failureWindowMs')
  const rate = setting(model, DEFAULTS, 'failureRatePct')
  const failback = setting(model, DEFAULTS, 'failbackIntervalMs')
  const grace = setting(model, DEFAULTS, 'gracePeriodMs')
  const lag = model.healthCheck.kind === 'lag-aware'
  const entra = configured(model).some((m) => m.auth.kind === 'entra')
  const body = [
    ...healthCheck(model),
    'MultiDbConfig.Builder builder = MultiDbConfig.builder();',
    ...configured(model).flatMap(database),
    'builder.failureDetector(MultiDbConfig.CircuitBreakerConfig.builder()',
    `        ${wholeSeconds('slidingWindowSize', window)}`,
    `        .failureRateThreshold(${javaFloat(rate.value)}) // percent, ${rate.from}`,
    '        .build());',
    'builder.failbackSupported(true)',
    `        .failbackCheckInterval(${failback.value}) // ms, ${failback.from}`,
    `        .gracePeriod(${grace.value}); // ms, ${grace.from}`,
    'return MultiDbClient.builder().multiDbConfig(builder.build()).build();',
  ]
  const imports = [
    'import redis.clients.jedis.DefaultJedisClientConfig;',
    'import redis.clients.jedis.HostAndPort;',
    'import redis.clients.jedis.MultiDbClient;',
    'import redis.clients.jedis.MultiDbConfig;',
    'import redis.clients.jedis.MultiDbConfig.DatabaseConfig;',
    ...(lag ? ['import java.time.Duration;', 'import redis.clients.jedis.DefaultRedisCredentials;', 'import redis.clients.jedis.mcf.LagAwareStrategy;'] : ['import redis.clients.jedis.mcf.PingStrategy;']),
    ...(entra ? ['import redis.clients.jedis.authentication.AuthXManager;'] : []),
  ]
  return javaClass(model, {format: 'jedis', library: 'Jedis', clusterSupported: false, imports, returns: 'MultiDbClient', body})
}
