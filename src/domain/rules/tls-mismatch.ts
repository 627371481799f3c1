// Members must use the same TLS setting: the database's clientProtocol and the cluster's minimumTlsVersion.
import {clusterUpdate, databaseUpdate, drift, highest, names, preferring} from './helpers.js'
import type {Rule} from './types.js'

export const tlsMismatch: Rule = {
  name: 'tls-mismatch',
  description: 'every member has the same client protocol and minimum TLS version',
  needs: 'arm',
  evaluate(ctx) {
    return [
      ...drift(ctx, {
        rule: 'tls-mismatch',
        severity: 'error',
        setting: 'client protocol',
        pick: (m) => m.clientProtocol,
        choose: preferring('Encrypted'),
        remedy: (odd, to) =>
          to
            ? `set the client protocol to ${to} on ${names(odd)} (clients must follow): ${databaseUpdate(odd, `--client-protocol ${to}`)}`
            : 'pick Encrypted or Plaintext for the group and set it on the members that differ',
      }),
      ...drift(ctx, {
        rule: 'tls-mismatch',
        severity: 'error',
        setting: 'minimum TLS version',
        pick: (m) => m.minimumTlsVersion,
        // 1.0 and 1.1 are obsolete: align on the newest
        choose: highest((v: string) => Number.parseFloat(v)),
        remedy: (odd, to) =>
          to
            ? `set the minimum TLS version to ${to} on ${names(odd)}: ${clusterUpdate(odd, `--minimum-tls-version ${to}`)}`
            : 'set the minimum TLS version to 1.2 on every member',
      }),
    ]
  },
}
