// redis-py's multi-database client (redis.multidb, checked against redis 8.1.0's source): MultiDbConfig with one
// DatabaseConfig per member, MultiDBClient. Health checks live in redis.asyncio.multidb.healthcheck; the sync
// config imports them from there too.
import type {FailoverMember, FailoverModel, SecretRef} from '../../domain/failover/model.js'
import {commented, configured, headerComment, quoted, referenceKinds, setting, type LibraryDefaults} from './common.js'

/** redis 8.1.0: failure_detector.py, failover/config.py, circuit.py, asyncio/multidb/healthcheck.py */
const DEFAULTS: LibraryDefaults = {failureWindowMs: 2000, failureRatePct: 10, failbackIntervalMs: 120_000, gracePeriodMs: 60_000, lagToleranceMs: 5000}

const seconds = (ms: number) => String(ms / 1000)

function refExpression(ref: SecretRef): string {
  // a secret store is read by the application's own code: one function to fill in
  return ref.kind === 'env' ? `os.environ[${quoted(ref.name)}]` : `read_secret(${quoted(ref.name)})`
}

function clientKwargs(m: FailoverMember): string[] {
  const auth =
    m.auth.kind === 'entra'
      ? ['"credential_provider": entra_credentials,']
      : ['primaryKey' in m ? `"password": ${quoted(m.primaryKey ?? '')},` : `"password": ${refExpression(m.auth.ref)},`]
  return [`"host": ${quoted(m.host!)},`, `"port": ${m.port},`, `"ssl": ${m.tls ? 'True' : 'False'},`, ...auth]
}

function database(model: FailoverModel, m: FailoverMember): string[] {
  const grace = setting(model, DEFAULTS, 'gracePeriodMs')
  const hc = model.healthCheck
  return [
    `    # ${m.rank}. ${m.location}: ${m.cluster}/${m.database} (${m.why})${m.notRead ? `; not read by ARM: ${m.notRead.cause}` : ''}`,
    '    DatabaseConfig(',
    `        weight=${m.weight},`,
    '        client_kwargs={',
    ...clientKwargs(m).map((line) => `            ${line}`),
    '        },',
    `        grace_period=${seconds(grace.value)},  # seconds, ${grace.from}`,
    ...(hc.kind === 'lag-aware' ? [`        health_check_url=${quoted(hc.url)},`] : []),
    '    ),',
  ]
}

function imports(model: FailoverModel): string[] {
  const members = configured(model)
  const cluster = members.some((m) => m.clusterAware)
  const entra = members.some((m) => m.auth.kind === 'entra')
  const env = referenceKinds(model).has('env')
  return [
    ...(env ? ['import os', ''] : []),
    `from redis import ${cluster ? 'RedisCluster' : 'Redis'}`,
    ...(model.healthCheck.kind === 'lag-aware' ? ['from redis.asyncio.multidb.healthcheck import LagAwareHealthCheck'] : []),
    'from redis.multidb.client import MultiDBClient',
    'from redis.multidb.config import DatabaseConfig, MultiDbConfig',
    ...(entra ? ['from redis_entraid.cred_provider import create_from_default_azure_credential'] : []),
  ]
}

function healthChecks(model: FailoverModel): string[] {
  const hc = model.healthCheck
  if (hc.kind === 'ping') return ['    # health_checks left out: PingHealthCheck, the default']
  const tolerance = setting(model, DEFAULTS, 'lagToleranceMs')
  const ref = refExpression
  return [
    '    health_checks=[',
    '        LagAwareHealthCheck(',
    `            rest_api_port=${hc.restPort},`,
    `            lag_aware_tolerance=${tolerance.value},  # ms, ${tolerance.from}`,
    `            auth_basic=(${ref(hc.basicAuth.user)}, ${ref(hc.basicAuth.password)}),`,
    '        ),',
    '    ],',
  ]
}

export function renderRedisPy(model: FailoverModel): string {
  const members = configured(model)
  const window = setting(model, DEFAULTS, 'failureWindowMs')
  const rate = setting(model, DEFAULTS, 'failureRatePct')
  const failback = setting(model, DEFAULTS, 'failbackIntervalMs')
  const secretStore = referenceKinds(model).has('secret-store')
  const lines = [
    ...commented(headerComment(model, 'redis-py', 'redis-py', true), '#'),
    ...imports(model),
    '',
    ...(secretStore ? ['', 'def read_secret(name: str) -> str:', '    """Read a secret from your secret store (e.g. Azure Key Vault); never hard-code it."""', '    raise NotImplementedError(name)', ''] : []),
    ...(members.some((m) => m.auth.kind === 'entra') ? ['# Entra: DefaultAzureCredential, tokens for https://redis.azure.com', 'entra_credentials = create_from_default_azure_credential(("https://redis.azure.com/.default",))', ''] : []),
    'databases_config = [',
    ...members.flatMap((m) => database(model, m)),
    ']',
    '',
    ...(members.some((m) => m.clusterAware) && members.some((m) => m.clusterAware === false)
      ? ['# redis-py takes one client class for every member: RedisCluster, since a member is OSSCluster; Azure expects one', '# clustering policy across a group (geo-redis check: clustering-policy)']
      : []),
    'config = MultiDbConfig(',
    '    databases_config=databases_config,',
    `    client_class=${members.some((m) => m.clusterAware) ? 'RedisCluster' : 'Redis'},`,
    `    failures_detection_window=${seconds(window.value)},  # seconds, ${window.from}`,
    `    failure_rate_threshold=${rate.value / 100},  # ${rate.value} %, ${rate.from}`,
    `    auto_fallback_interval=${seconds(failback.value)},  # seconds, ${failback.from}`,
    ...healthChecks(model),
    ')',
    '',
    'client = MultiDBClient(config)',
  ]
  return `${lines.join('\n')}\n`
}
