// The TLS trust for a private CA (a profile's --ca-path, --ca for Redis): Node's root certificates plus the CA, built
// once per process and CA, and shared by the ARM and sign-in agents and every Redis connection. Handing Node
// `ca: [...tls.rootCertificates, pem]` parses all ~150 roots again on every context (about 40 ms each, once per
// agent and once per Redis connection); a context that starts from Node's own root store and adds the CA parses the
// roots once, as NODE_EXTRA_CA_CERTS does. The trust is the same either way: the roots and the CA, not
// NODE_EXTRA_CA_CERTS (which Node leaves out whenever a CA is given).
import tls from 'node:tls'

const contexts = new Map<string, tls.SecureContext>()

/** Node's roots plus `caPem`, at TLS 1.2 or later (the one context for this CA: built on first use). */
export function trustContext(caPem: string): tls.SecureContext {
  let context = contexts.get(caPem)
  if (!context) {
    context = rootsPlus(caPem)
    contexts.set(caPem, context)
  }

  return context
}

function rootsPlus(caPem: string): tls.SecureContext {
  // without `ca`, Node's context uses its shared root store; adding a certificate gives this context its own copy
  const context = tls.createSecureContext({minVersion: 'TLSv1.2'})
  // the native handle's addCACert is what `ca` itself goes through; should a Node release drop it, the slow way
  const native = (context as {context?: {addCACert?: (pem: string) => void}}).context
  if (typeof native?.addCACert === 'function') {
    try {
      native.addCACert(caPem)
      return context
    } catch {
      // fall through to the documented option, which reports a bad PEM itself
    }
  }

  return tls.createSecureContext({minVersion: 'TLSv1.2', ca: [...tls.rootCertificates, caPem]})
}
