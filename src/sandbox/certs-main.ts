// The sandbox's certificates, made by `geo-redis sandbox up` in a process of their own, so node-forge never enters
// the CLI's bundle (no other command pays to read it):
//   node dist/sandbox/certs-main.js --ca-out <ca.pem> --cert-out <server.pem> --key-out <server-key.pem> --host <h>…
// A new CA, and a leaf it signs for every --host (the emulator's HTTPS and the members' TLS share it). Each file is
// written whole (rename), the key readable by its owner only.
import {parseArgs} from 'node:util'
import {writeFileAtomicSync} from '../shared/atomic.js'
import {createCa, createLeaf} from './certs.js'

function main(): void {
  const {values} = parseArgs({
    options: {
      'ca-out': {type: 'string'},
      'cert-out': {type: 'string'},
      'key-out': {type: 'string'},
      host: {type: 'string', multiple: true},
    },
  })
  const {'ca-out': caOut, 'cert-out': certOut, 'key-out': keyOut, host: hosts = []} = values
  if (!caOut || !certOut || !keyOut || hosts.length === 0) throw new Error('--ca-out, --cert-out, --key-out and at least one --host are required')
  const ca = createCa('geo-redis sandbox CA')
  const leaf = createLeaf(ca, {hosts})
  writeFileAtomicSync(caOut, ca.cert, 0o644)
  writeFileAtomicSync(certOut, leaf.cert, 0o644)
  writeFileAtomicSync(keyOut, leaf.key)
}

try {
  main()
} catch (error) {
  process.stderr.write(`certs: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
}
