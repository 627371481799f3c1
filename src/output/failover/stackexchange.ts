// StackExchange.Redis: one ConfigurationOptions per member, joined in a weighted group connection
// (ConnectionGroupMember, ConnectionMultiplexer.ConnectGroupAsync). Entra through Microsoft.Azure.StackExchangeRedis.
// It has no settings for our circuit breaker, lag-aware check or failback flags: the snippet says so.
import type {FailoverMember, FailoverModel, SecretRef} from '../../domain/failover/model.js'
import {commented, configured, headerComment, policyFlagsGiven, quoted, referenceKinds} from './common.js'

const csRef = (ref: SecretRef) => (ref.kind === 'env' ? `Environment.GetEnvironmentVariable(${quoted(ref.name)})` : `ReadSecret(${quoted(ref.name)})`)

const variable = (m: FailoverMember) => `member${m.rank}`

function member(m: FailoverMember): string[] {
  const password = m.auth.kind === 'entra' ? [] : [`Password = ${'primaryKey' in m ? quoted(m.primaryKey ?? '') : csRef(m.auth.ref)},`]
  return [
    `// ${m.rank}. ${m.location}: ${m.cluster}/${m.database} (${m.why})${m.notRead ? `; not read by ARM: ${m.notRead.cause}` : ''}`,
    `var ${variable(m)} = new ConfigurationOptions`,
    '{',
    `    EndPoints = { { ${quoted(m.host!)}, ${m.port} } },`,
    `    Ssl = ${m.tls ? 'true' : 'false'},`,
    ...password.map((l) => `    ${l}`),
    '    AbortOnConnectFail = false,',
    '};',
    ...(m.auth.kind === 'entra' ? [`await ${variable(m)}.ConfigureForAzureWithTokenCredentialAsync(new DefaultAzureCredential());`] : []),
  ]
}

function unmapped(model: FailoverModel): string[] {
  const flags = policyFlagsGiven(model)
  return [
    'StackExchange.Redis health-checks and fails back by itself: it has no failure window, failure rate, failback',
    `interval, grace period or lag-aware check to set${flags.length > 0 ? ` (ignored here: ${flags.join(', ')})` : ''}.`,
  ]
}

export function renderStackExchange(model: FailoverModel): string {
  const members = configured(model)
  const entra = members.some((m) => m.auth.kind === 'entra')
  const secret = referenceKinds(model, false).has('secret-store')
  const body = [
    ...members.flatMap(member),
    'ConnectionGroupMember[] members =',
    '{',
    ...members.map((m) => `    new ConnectionGroupMember(${variable(m)}, ${quoted(m.location || m.cluster)}) { Weight = ${m.weight} },`),
    '};',
    'return await ConnectionMultiplexer.ConnectGroupAsync(members);',
  ]
  const lines = [
    ...commented([...headerComment(model, 'stackexchange', 'StackExchange.Redis', true, false), ...unmapped(model)], '//'),
    'using System;',
    'using System.Threading.Tasks;',
    ...(entra ? ['using Azure.Identity;', 'using Microsoft.Azure.StackExchangeRedis;'] : []),
    'using StackExchange.Redis;',
    '',
    'public static class GeoRedisFailover',
    '{',
    '    public static async Task<IConnectionMultiplexer> ConnectAsync()',
    '    {',
    ...body.map((l) => `        ${l}`),
    '    }',
    ...(secret ? ['', '    // Read a secret from your secret store (e.g. Azure Key Vault); never hard-code it.', '    private static string ReadSecret(string name) => throw new NotImplementedException(name);'] : []),
    '}',
  ]
  return `${lines.join('\n')}\n`
}
