// Redaction: the one gate every value crosses before it reaches a file, stdout or stderr (the output guard applies
// it to every write of the process). Three layers, because no single one is enough: values under secret-named keys,
// exact secrets the CLI has seen (access keys, tokens), and shapes that are secrets whoever produced them (JWTs,
// Bearer, private keys, passwords inside URLs).

export const REDACTED = '[redacted]'

/**
 * Registered secrets shorter than this are ignored: replacing a 3-letter string everywhere would shred
 * ids and prose, and real access keys (44 chars) and tokens are far longer.
 */
const MIN_SECRET_LENGTH = 6

/** Secrets seen during this run. The azure/ and redis/ adapters `add` every key or token they obtain. */
export class SecretRegistry {
  private readonly values = new Set<string>()
  // longest first, so a secret containing another is replaced whole
  private ordered: string[] = []

  add(secret: string | null | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return
    // keys are base64 ('+', '/', '='): inside a URL they appear percent-encoded, inside JSON escaped
    for (const variant of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) this.values.add(variant)
    this.ordered = [...this.values].sort((a, b) => b.length - a.length)
  }

  /**
   * The length of the longest end of `text` that is the start of a registered secret (0 when none): a stream
   * holds that much back until the next write shows whether the secret follows.
   */
  partialAtEnd(text: string): number {
    let longest = 0
    for (const secret of this.ordered) {
      for (let n = Math.min(secret.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(secret.slice(0, n))) {
          longest = n
          break
        }
      }
    }
    return longest
  }

  get size(): number {
    return this.values.size
  }

  /** `text` with every registered secret replaced. */
  replaceIn(text: string): string {
    let out = text
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    }
    return out
  }
}

/** The process-wide registry: adapters register here, evidence writing redacts with it. */
export const secrets = new SecretRegistry()

// Exact names (normalised: lower case, no '_' or '-'). ARM's key shapes are primaryKey/secondaryKey; a bare
// `key` is an identity in our model (GeoGroup.key), so *key names are listed one by one.
const SECRET_NAMES = new Set([
  'primarykey',
  'secondarykey',
  'accesskey',
  'apikey',
  'privatekey',
  'pwd',
  'passwd',
  'sig',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
])
const SECRET_SUFFIXES = ['password', 'passphrase', 'secret', 'token', 'connectionstring']

/** True when a property, header, query or connection-string parameter of this name holds a secret. */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/[_-]/g, '')
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((suffix) => n.endsWith(suffix))
}

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
// a token is long; prose ("a bearer token") is not
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{16,}=*/gi
// to its END line, or to the end of the text when that was cut off (a truncated debug dump)
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g
// rediss://user:password@host; the password runs to the last '@' of the authority, as URL parsers read it
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)[^\s/?#"'<>]*@/gi
// a name that may be a secret's (isSecretName decides): matching only these keeps redaction of a large JSON result cheap
const NAME = String.raw`[A-Za-z0-9_-]*(?:key|pwd|passwd|sig|authorization|cookie|password|passphrase|secret|token|string)`
// "primaryKey": "…" inside text, e.g. a response body quoted in an error message
const JSON_PAIR = new RegExp(String.raw`("(${NAME})"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi')
// primaryKey: '…' as util.inspect prints an object (library debug output)
const INSPECT_PAIR = new RegExp(String.raw`(\b(${NAME}):\s*)'(?:[^'\\]|\\.)*'`, 'gi')
// ?access_token=…, password=… in a connection string
const NAME_EQUALS = new RegExp(String.raw`\b(${NAME})=([^\s&;,"'<>]+)`, 'gi')

/** `text` with registered secrets and anything shaped like a credential replaced by `[redacted]`. */
export function redactText(text: string, registry: SecretRegistry = secrets): string {
  // registered secrets first: a pattern could otherwise cut a secret in two and leave half behind
  return registry
    .replaceIn(text)
    .replace(PRIVATE_KEY_PEM, REDACTED)
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(JSON_PAIR, (whole, prefix: string, name: string) => (isSecretName(name) ? `${prefix}"${REDACTED}"` : whole))
    .replace(INSPECT_PAIR, (whole, prefix: string, name: string) => (isSecretName(name) ? `${prefix}'${REDACTED}'` : whole))
    .replace(NAME_EQUALS, (whole, name: string) => (isSecretName(name) ? `${name}=${REDACTED}` : whole))
}

/**
 * A redacted deep copy of `value`, shaped as JSON.stringify would see it (toJSON honoured, Errors as
 * {name, message, …}, Maps as objects), so what is redacted is exactly what gets written.
 */
export function redact(value: unknown, registry: SecretRegistry = secrets): unknown {
  return walk(value, registry, new Set())
}

function walk(value: unknown, registry: SecretRegistry, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value, registry)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'function' || typeof value === 'symbol') return undefined
  if (value === null || typeof value !== 'object') return value
  if (ancestors.has(value)) return '[circular]'

  ancestors.add(value)
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, registry, ancestors))
    if (value instanceof Error) return walkObject(errorFields(value), registry, ancestors)
    if (typeof (value as {toJSON?: unknown}).toJSON === 'function') {
      return walk((value as {toJSON: () => unknown}).toJSON(), registry, ancestors)
    }
    if (value instanceof Map) return walkObject(Object.fromEntries([...value].map(([k, v]) => [String(k), v])), registry, ancestors)
    if (value instanceof Set) return [...value].map((item) => walk(item, registry, ancestors))
    return walkObject(value as Record<string, unknown>, registry, ancestors)
  } finally {
    ancestors.delete(value)
  }
}

function walkObject(object: Record<string, unknown>, registry: SecretRegistry, ancestors: Set<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, item] of Object.entries(object)) {
    // null stays null: "no key here" is worth recording; anything else under a secret name is not
    out[redactText(name, registry)] = isSecretName(name) && item !== null && item !== undefined ? REDACTED : walk(item, registry, ancestors)
  }
  return out
}

// name, message, cause and AggregateError's errors are not enumerable, so spreading alone would lose them;
// the stack is left out: it holds local paths, not evidence
function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {name: error.name, message: error.message, ...(error as object)}
  delete fields.stack
  if (error.cause !== undefined) fields.cause = error.cause
  if (error instanceof AggregateError) fields.errors = error.errors
  return fields
}
