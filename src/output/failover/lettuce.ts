// Lettuce's multi-database client (io.lettuce.core.failover: DatabaseConfig, MultiDbClient, MultiDbOptions), as
// Lettuce's failover documentation names it; it shares Jedis's design and defaults.
import type {FailoverMember, FailoverModel} from '../../domain/failover/model.js'
import {configured, quoted, setting, type LibraryDefaults} from './common.js'
import {javaClass, javaFloat, javaKey, javaRef, wholeSeconds} from './java.js'

const DEFAULTS: LibraryDefaults = {failureWindowMs: 2000, failureRatePct: 10, failbackIntervalMs: 120_000, gracePeriodMs: 60_000, lagToleranceMs: 100}

function uri(m: FailoverMember): string {
  const auth = m.auth.kind === 'entra' ? '.withAuthentication(TokenBasedRedisCredentialsProvider.create(entra()))' : `.withPassword(${javaKey(m)})`
  return `RedisURI.Builder.redis(${quoted(m.host!)}, ${m.port}).withSsl(${m.tls ? 'true' : 'false'})${auth}.build()`
}

function database(m: FailoverMember, last: boolean): string[] {
  return [
    `        // ${m.rank}. ${m.location}: ${m.cluster}/${m.database} (${m.why})${m.notRead ? `; not read by ARM: ${m.notRead.cause}` : ''}`,
    `        DatabaseConfig.builder(${uri(m)})`,
    `                .weight(${javaFloat(m.weight)})`,
    '                .circuitBreakerConfig(breaker)',
    '                .healthCheckStrategySupplier(healthCheck)',
    `                .build()${last ? ');' : ','}`,
  ]
}

function healthCheck(model: FailoverModel): string[] {
  const hc = model.healthCheck
  if (hc.kind === 'ping') return ['HealthCheckStrategySupplier healthCheck = PingStrategy.DEFAULT;']
  const tolerance = setting(model, DEFAULTS, 'lagToleranceMs')
  return [
    `// lag-aware: geo-redis serve at ${hc.url}:${hc.restPort}, Basic auth by reference`,
    'HealthCheckStrategySupplier healthCheck = (uri, options) -> new LagAwareStrategy(',
    `        LagAwareStrategy.Config.builder(URI.create(${quoted(`${hc.url}:${hc.restPort}`)}),`,
    `                        () -> RedisCredentials.just(${javaRef(hc.basicAuth.user)}, ${javaRef(hc.basicAuth.password)}))`,
    `                .availabilityLagTolerance(Duration.ofMillis(${tolerance.value})) // ${tolerance.from}`,
    '                .build());',
  ]
}

export function renderLettuce(model: FailoverModel): string {
  const window = setting(model, DEFAULTS, 'failureWindowMs')
  const rate = setting(model, DEFAULTS, 'failureRatePct')
  const failback = setting(model, DEFAULTS, 'failbackIntervalMs')
  const grace = setting(model, DEFAULTS, 'gracePeriodMs')
  const members = configured(model)
  const lag = model.healthCheck.kind === 'lag-aware'
  const body = [
    ...healthCheck(model),
    'CircuitBreakerConfig breaker = CircuitBreakerConfig.builder()',
    `        ${wholeSeconds('metricsWindowSize', window)}`,
    `        .failureRateThreshold(${javaFloat(rate.value)}) // percent, ${rate.from}`,
    '        .build();',
    'List<DatabaseConfig> databases = List.of(',
    ...members.flatMap((m, i) => database(m, i === members.length - 1)),
    ...(members.length === 0 ? ['        );'] : []),
    'MultiDbOptions options = MultiDbOptions.builder()',
    '        .failbackSupported(true)',
    `        .failbackCheckInterval(Duration.ofMillis(${failback.value})) // ${failback.from}`,
    `        .gracePeriod(Duration.ofMillis(${grace.value})) // ${grace.from}`,
    '        .build();',
    'return MultiDbClient.create(databases, options);',
  ]
  const imports = [
    'import io.lettuce.core.RedisURI;',
    'import io.lettuce.core.failover.CircuitBreakerConfig;',
    'import io.lettuce.core.failover.DatabaseConfig;',
    'import io.lettuce.core.failover.MultiDbClient;',
    'import io.lettuce.core.failover.MultiDbOptions;',
    'import io.lettuce.core.failover.health.HealthCheckStrategySupplier;',
    'import java.time.Duration;',
    'import java.util.List;',
    ...(lag ? ['import io.lettuce.core.RedisCredentials;', 'import io.lettuce.core.failover.health.LagAwareStrategy;', 'import java.net.URI;'] : ['import io.lettuce.core.failover.health.PingStrategy;']),
    ...(members.some((m) => m.auth.kind === 'entra') ? ['import io.lettuce.authx.TokenBasedRedisCredentialsProvider;'] : []),
  ]
  return javaClass(model, {format: 'lettuce', library: 'Lettuce', clusterSupported: false, imports, returns: 'MultiDbClient', body})
}
