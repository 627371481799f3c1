// go-redis's multi-database client (redis.NewMultiDBClient with MultiDBOptions and one DatabaseConfig per member),
// as its documentation names it; OSSCluster members get ClusterOptions, the cluster-aware client.
import type {FailoverMember, FailoverModel, SecretRef} from '../../domain/failover/model.js'
import {commented, configured, headerComment, quoted, referenceKinds, setting, type LibraryDefaults} from './common.js'

const DEFAULTS: LibraryDefaults = {failureWindowMs: 2000, failureRatePct: 10, failbackIntervalMs: 120_000, gracePeriodMs: 60_000, lagToleranceMs: 5000}

const goRef = (ref: SecretRef) => (ref.kind === 'env' ? `os.Getenv(${quoted(ref.name)})` : `readSecret(${quoted(ref.name)})`)

function auth(m: FailoverMember): string {
  if (m.auth.kind === 'entra') return 'StreamingCredentialsProvider: entra,'
  return `Password: ${'primaryKey' in m ? quoted(m.primaryKey ?? '') : goRef(m.auth.ref)},`
}

function database(m: FailoverMember): string[] {
  const tls = m.tls ? [`TLSConfig: &tls.Config{ServerName: ${quoted(m.host!)}, MinVersion: tls.VersionTLS12},`] : []
  const addr = quoted(`${m.host}:${m.port}`)
  const options = m.clusterAware
    ? ['ClusterOptions: &redis.ClusterOptions{', `\tAddrs: []string{${addr}},`, `\t${auth(m)}`, ...tls.map((l) => `\t${l}`), '},']
    : ['Options: &redis.Options{', `\tAddr: ${addr},`, `\t${auth(m)}`, ...tls.map((l) => `\t${l}`), '},']
  return [
    `\t\t\t// ${m.rank}. ${m.location}: ${m.cluster}/${m.database} (${m.why})${m.notRead ? `; not read by ARM: ${m.notRead.cause}` : ''}`,
    '\t\t\t{',
    `\t\t\t\tWeight: ${m.weight},`,
    ...options.map((l) => `\t\t\t\t${l}`),
    '\t\t\t},',
  ]
}

function healthCheck(model: FailoverModel): string[] {
  const hc = model.healthCheck
  if (hc.kind === 'ping') return ['\t\tHealthCheck: redis.NewPingHealthCheck(),']
  const tolerance = setting(model, DEFAULTS, 'lagToleranceMs')
  return [
    `\t\t// lag-aware: geo-redis serve at ${hc.url}:${hc.restPort}, Basic auth by reference`,
    '\t\tHealthCheck: redis.NewLagAwareHealthCheck(&redis.LagAwareHealthCheckOptions{',
    `\t\t\tRestEndpoint: ${quoted(`${hc.url}:${hc.restPort}`)},`,
    `\t\t\tLagTolerance: ${tolerance.value} * time.Millisecond, // ${tolerance.from}`,
    `\t\t\tUsername: ${goRef(hc.basicAuth.user)},`,
    `\t\t\tPassword: ${goRef(hc.basicAuth.password)},`,
    '\t\t}),',
  ]
}

function preamble(model: FailoverModel, members: FailoverMember[]): string[] {
  const entra = members.some((m) => m.auth.kind === 'entra')
  const kinds = referenceKinds(model)
  const secret = kinds.has('secret-store')
  const env = kinds.has('env')
  // Go refuses unused imports: only what the snippet uses
  const standard = [...(members.some((m) => m.tls) ? ['"crypto/tls"'] : []), ...(env ? ['"os"'] : []), '"time"']
  const imports = [...standard, '', ...(entra ? ['entraid "github.com/redis/go-redis-entraid"'] : []), '"github.com/redis/go-redis/v9"']
  return [
    'package georedis',
    '',
    'import (',
    ...imports.map((i) => (i ? `\t${i}` : '')),
    ')',
    ...(secret ? ['', '// readSecret reads a secret from your secret store (e.g. Azure Key Vault); never hard-code it.', 'func readSecret(name string) string { panic("read " + name + " from your secret store") }'] : []),
    '',
    '// NewGeoRedisClient builds the multi-database client of the group.',
    'func NewGeoRedisClient() (*redis.MultiDBClient, error) {',
    ...(entra
      ? ['\t// Entra: DefaultAzureCredential, tokens for https://redis.azure.com', '\tentra, err := entraid.NewDefaultAzureCredentialsProvider(entraid.DefaultAzureCredentialsProviderOptions{Scopes: []string{"https://redis.azure.com/.default"}})', '\tif err != nil {', '\t\treturn nil, err', '\t}']
      : []),
  ]
}

export function renderGoRedis(model: FailoverModel): string {
  const members = configured(model)
  const window = setting(model, DEFAULTS, 'failureWindowMs')
  const rate = setting(model, DEFAULTS, 'failureRatePct')
  const failback = setting(model, DEFAULTS, 'failbackIntervalMs')
  const grace = setting(model, DEFAULTS, 'gracePeriodMs')
  const lines = [
    ...commented(headerComment(model, 'go-redis', 'go-redis', true), '//'),
    ...preamble(model, members),
    '\treturn redis.NewMultiDBClient(&redis.MultiDBOptions{',
    '\t\tDatabases: []*redis.DatabaseConfig{',
    ...members.flatMap(database),
    '\t\t},',
    `\t\tFailureDetectionWindow: ${window.value} * time.Millisecond, // ${window.from}`,
    `\t\tFailureRateThreshold: ${rate.value / 100}, // ${rate.value} %, ${rate.from}`,
    `\t\tAutoFallbackInterval: ${failback.value} * time.Millisecond, // ${failback.from}`,
    `\t\tGracePeriod: ${grace.value} * time.Millisecond, // ${grace.from}`,
    ...healthCheck(model),
    '\t}), nil',
    '}',
  ]
  return `${lines.join('\n')}\n`
}
