// Turns whatever a connection attempt or command threw into the few kinds an operator acts on differently:
// fix the name (dns), the port or firewall (refused), the network path or a frozen server (timeout),
// the certificate or TLS setting (tls), the key or token (auth).
import {isUntrustedCertificate, privateCaHint} from '../domain/errors.js'
import type {Failure, FailureKind} from '../domain/probe.js'

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'])
// Node's own TLS codes, and OpenSSL verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, …)
const TLS_CODE = /^ERR_(TLS|SSL)_|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH/
// Redis replies to AUTH and to commands sent without it; older servers say "invalid password"
const AUTH_MESSAGE =
  /\b(WRONGPASS|NOAUTH|NOPERM)\b|invalid username-password pair|invalid password|called without any password configured/i
const TLS_MESSAGE = /certificate|wrong version number|packet length too long|handshake|before secure TLS connection|\bSSL\b/i
const TIMEOUT_MESSAGE = /timed? ?out/i

interface ErrorLike {
  code?: unknown
  message?: unknown
  errors?: unknown
  cause?: unknown
}

/** The error and what it wraps: AggregateError (one per address tried) and `cause` chains. */
function chain(err: unknown): ErrorLike[] {
  const found: ErrorLike[] = []
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 4) return
    const like = e as ErrorLike
    found.push(like)
    if (Array.isArray(like.errors)) for (const inner of like.errors) visit(inner, depth + 1)
    visit(like.cause, depth + 1)
  }
  visit(err, 0)
  return found
}

function messageOf(errors: ErrorLike[], err: unknown): string {
  // AggregateError's own message is empty: the reasons are in the errors it aggregates
  const texts = errors.map((e) => (typeof e.message === 'string' ? e.message.trim() : '')).filter((m) => m !== '')
  return texts.length > 0 ? [...new Set(texts)].join('; ') : String(err)
}

// a certificate came back (it could be checked), or bytes that are not TLS (a plaintext server answering the hello)
const ANSWERED_TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ALTNAME|WRONG_VERSION_NUMBER/
const ANSWERED_TLS_MESSAGE = /certificate|wrong version number|packet length too long/i

/**
 * A server answered before the attempt failed: a Redis reply (NOAUTH, WRONGPASS, any error reply), a certificate
 * presented in a TLS handshake, or a reply that is not TLS. A refused or timed-out connection, a failed name lookup
 * and a connection cut before any answer are silence. The data plane is then alive, whatever ARM says.
 */
export function serverAnswered(err: unknown): boolean {
  const errors = chain(err)
  const codes = errors.map((e) => (typeof e.code === 'string' ? e.code : ''))
  const message = messageOf(errors, err)
  if (codes.some((c) => DNS_CODES.has(c) || c === 'ECONNREFUSED' || c === 'ETIMEDOUT')) return false
  if (errors.some((e) => (e as {name?: unknown}).name === 'ReplyError') || AUTH_MESSAGE.test(message)) return true
  return codes.some((c) => ANSWERED_TLS_CODE.test(c)) || ANSWERED_TLS_MESSAGE.test(message)
}

/** Pure: looks at codes first (stable), then at messages (ReplyErrors and OpenSSL texts carry no code). */
export function classifyError(err: unknown): Failure {
  const errors = chain(err)
  const message = messageOf(errors, err)
  const codes = errors.map((e) => (typeof e.code === 'string' ? e.code : '')).filter((c) => c !== '')

  const kind = ((): FailureKind => {
    if (codes.some((c) => DNS_CODES.has(c))) return 'dns'
    if (codes.includes('ECONNREFUSED')) return 'refused'
    if (codes.includes('ETIMEDOUT')) return 'timeout'
    if (codes.some((c) => TLS_CODE.test(c))) return 'tls'
    if (AUTH_MESSAGE.test(message)) return 'auth'
    if (TLS_MESSAGE.test(message)) return 'tls'
    if (TIMEOUT_MESSAGE.test(message)) return 'timeout'
    return 'other'
  })()
  // the one TLS failure the operator fixes on this side: say how
  return {kind, message: codes.some(isUntrustedCertificate) ? `${message}: ${privateCaHint(true)}` : message}
}
