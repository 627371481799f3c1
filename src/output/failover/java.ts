// What the two Java snippets (Jedis, Lettuce) share: the class around the builder, env and secret-store reads,
// and Entra through redis-authx-entraid with DefaultAzureCredential.
import type {FailoverMember, FailoverModel, SecretRef} from '../../domain/failover/model.js'
import {commented, configured, headerComment, quoted, referenceKinds} from './common.js'

export const javaFloat = (n: number) => `${n}f`

/** A window the library takes in whole seconds, as a builder call with a comment that says when it was rounded. */
export function wholeSeconds(call: string, setting: {value: number; from: string}): string {
  const seconds = Math.max(1, Math.round(setting.value / 1000))
  return `.${call}(${seconds}) // seconds, ${setting.from}${seconds * 1000 === setting.value ? '' : ` (${setting.value} ms rounded)`}`
}

export function javaRef(ref: SecretRef): string {
  return ref.kind === 'env' ? `System.getenv(${quoted(ref.name)})` : `readSecret(${quoted(ref.name)})`
}

/** The access key expression of a member that uses keys. */
export function javaKey(m: FailoverMember): string {
  if (m.auth.kind !== 'access-key') return 'null'
  return 'primaryKey' in m ? quoted(m.primaryKey ?? '') : javaRef(m.auth.ref)
}

const usesEntra = (model: FailoverModel) => configured(model).some((m) => m.auth.kind === 'entra')


/** Entra token configuration shared by every member that uses it. */
const ENTRA_CONFIG = [
  '    // Entra: DefaultAzureCredential, tokens for https://redis.azure.com',
  '    private static TokenAuthConfig entra() {',
  '        return EntraIDTokenAuthConfigBuilder.builder()',
  '                .defaultAzureCredential(new DefaultAzureCredentialBuilder().build())',
  '                .scopes(Set.of("https://redis.azure.com/.default"))',
  '                .build();',
  '    }',
]

const ENTRA_IMPORTS = [
  'import com.azure.identity.DefaultAzureCredentialBuilder;',
  'import java.util.Set;',
  'import redis.clients.authentication.core.TokenAuthConfig;',
  'import redis.clients.authentication.entraid.EntraIDTokenAuthConfigBuilder;',
]

/** The compilation unit: header comment, imports, the class with `create()` and its helpers. */
export function javaClass(model: FailoverModel, parts: {format: string; library: string; clusterSupported: boolean; imports: string[]; returns: string; body: string[]}): string {
  const helpers = [
    ...(usesEntra(model) ? ['', ...ENTRA_CONFIG] : []),
    ...(referenceKinds(model).has('secret-store') ? ['', '    /** Read a secret from your secret store (e.g. Azure Key Vault); never hard-code it. */', '    private static String readSecret(String name) {', '        throw new UnsupportedOperationException(name);', '    }'] : []),
  ]
  const lines = [
    ...commented(headerComment(model, parts.format, parts.library, parts.clusterSupported), '//'),
    ...[...new Set([...parts.imports, ...(usesEntra(model) ? ENTRA_IMPORTS : [])])].sort(),
    '',
    'public final class GeoRedisFailover {',
    '    private GeoRedisFailover() {}',
    '',
    `    public static ${parts.returns} create() {`,
    ...parts.body.map((line) => (line ? `        ${line}` : '')),
    '    }',
    ...helpers,
    '}',
  ]
  return `${lines.join('\n')}\n`
}
