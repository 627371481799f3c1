// The HTTPS transport under every Azure pipeline (ARM, and Microsoft Entra sign-in): one keep-alive agent whose TLS
// trust for a private CA is the process's one context for it (shared/trust.ts), verification always on whatever
// NODE_TLS_REJECT_UNAUTHORIZED says. The agent is attached at the very end of the pipeline and taken off again, so no
// logging policy ever dumps it (with its sockets' raw request text, Authorization header included).
import https from 'node:https'
import {createRequire} from 'node:module'
import type * as CoreRestPipeline from '@azure/core-rest-pipeline'
import type {HttpClient} from '@azure/core-rest-pipeline'
import {trustContext} from '../shared/trust.js'

// the CommonJS copy the SDK itself loads (see arm.ts)
const {createDefaultHttpClient} = createRequire(import.meta.url)('@azure/core-rest-pipeline') as typeof CoreRestPipeline

export function verifiedHttpClient(options: {caPem?: string; maxSockets: number}): HttpClient {
  const agent = new https.Agent({keepAlive: true, maxSockets: options.maxSockets, rejectUnauthorized: true})
  if (options.caPem) withTrustAtConnect(agent, options.caPem)
  const inner = createDefaultHttpClient()
  return {
    async sendRequest(request) {
      // plain http only for a managed-identity endpoint on the machine itself
      if (!request.url.startsWith('https:')) return inner.sendRequest(request)
      request.agent = agent
      try {
        return await inner.sendRequest(request)
      } finally {
        request.agent = undefined
      }
    },
  }
}

/**
 * The private CA's context is taken when the agent opens its first connection, not when the client is made: building
 * it waits for Node's root certificates, which bin/warm-up.js may still be parsing on another thread, so the work up to
 * the first request (the pipeline, the request itself) goes on meanwhile.
 */
function withTrustAtConnect(agent: https.Agent, caPem: string): void {
  const connect = agent.createConnection.bind(agent)
  // https.Agent hands these options to tls.connect
  agent.createConnection = (connectOptions, callback) => connect(Object.assign({}, connectOptions, {secureContext: trustContext(caPem)}), callback)
}
