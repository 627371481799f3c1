// A member the probe could not reach, readable or not (one ARM cannot read is probed when its endpoint is known). If
// it is a region outage, the others pile up replication metadata until it is force-unlinked; otherwise the error kind
// says what to fix from here.
import {allMembers, label, memberEndpoint} from '../group.js'
import type {Member} from '../model.js'
import {eachMember, healthOf, probeScope, unlinkCommands} from './helpers.js'
import type {CheckContext, Rule} from './types.js'

// keyed by the probe's error kinds (src/redis/classify.ts)
const LOCAL_CAUSE: Record<string, string> = {
  dns: 'the host name does not resolve from here: check DNS, and the private DNS zone if it uses a private endpoint',
  refused: 'the connection was refused: check the port (10000; 85xx too with OSSCluster), firewall and public network access',
  timeout: 'nothing answered in time: check the network path (firewall, NSG, private endpoint)',
  tls: 'the TLS handshake failed: it accepts TLS 1.2 or later only; check the client protocol and the certificate chain',
  auth: "authentication failed: check the member's own access key (or whether access keys are disabled) or the Entra identity's access",
}

const outage = (m: Member, ctx: CheckContext) =>
  `if its region is down, force-unlink ${m.cluster} from a surviving member (${unlinkCommands(ctx, [m])}) before the others run out of memory, ` +
  'then delete and recreate it once the region recovers'

export const unreachable: Rule = {
  name: 'unreachable',
  description: 'every member answers on its Redis endpoint',
  needs: 'probe',
  scope: (ctx) => probeScope(ctx),
  evaluate(ctx) {
    return eachMember(
      ctx,
      'unreachable',
      (m) => {
        const h = healthOf(ctx, m)
        if (!h || h.reachable) return null
        const why = [h.error?.kind, h.error?.message].filter(Boolean).join(': ')
        const kind = h.error?.kind
        const local = LOCAL_CAUSE[kind ?? '']
        const endpoint = memberEndpoint(m, ctx.group)
        // an unread member dialled without credentials that refuses AUTH is up: only ARM in its region is not answering
        const remediation = m.readError && kind === 'auth'
          ? 'its data plane answers although ARM cannot read it: re-run with --auth entra to authenticate without ARM, and see unresolved-member for why ARM does not answer'
          : kind === 'auth' || kind === 'tls'
            ? local
            : `${local ?? 'check network access and credentials from here'}; ${outage(m, ctx)}`
        return {
          severity: 'error',
          message: `${label(m)} is unreachable at ${endpoint ? `${endpoint.host}:${endpoint.port}` : 'an unknown endpoint'}${why ? ` (${why})` : ''}`,
          // a rejected key or handshake proves the member is up, so the outage advice would mislead
          remediation,
        }
      },
      allMembers(ctx.group),
    )
  },
}
