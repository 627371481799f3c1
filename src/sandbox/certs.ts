// A private CA and leaf certificates for the emulator's HTTPS and the sandbox's TLS redis-servers.
// Keys come from node:crypto (fast, native); node-forge only builds and signs the X.509 structures.
import {generateKeyPairSync, randomBytes} from 'node:crypto'
import forge from 'node-forge'

export interface Pem {
  cert: string
  key: string
}

export interface LeafOptions {
  /** DNS names and IP addresses the certificate is valid for */
  hosts: string[]
  days?: number
}

function newKeyPair(): {publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string} {
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const keyPem = privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
  const forgeKey = forge.pki.privateKeyFromPem(keyPem)
  return {publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privateKey: forgeKey, keyPem}
}

function baseCertificate(publicKey: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  // positive serial: a leading 0x00..0x7f byte
  cert.serialNumber = '01' + randomBytes(15).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000)
  return cert
}

export function createCa(commonName = 'geo-redis sandbox CA', days = 365): Pem {
  const keys = newKeyPair()
  const cert = baseCertificate(keys.publicKey, days)
  const subject = [{name: 'commonName', value: commonName}]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    {name: 'basicConstraints', cA: true, critical: true},
    {name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
    {name: 'subjectKeyIdentifier'},
  ])
  cert.sign(keys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create())
  return {cert: forge.pki.certificateToPem(cert), key: keys.keyPem}
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

export function createLeaf(ca: Pem, options: LeafOptions): Pem {
  const keys = newKeyPair()
  const caCert = forge.pki.certificateFromPem(ca.cert)
  const caKey = forge.pki.privateKeyFromPem(ca.key)
  const cert = baseCertificate(keys.publicKey, options.days ?? 365)
  cert.setSubject([{name: 'commonName', value: options.hosts[0] ?? 'localhost'}])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', serverAuth: true, clientAuth: true},
    {
      name: 'subjectAltName',
      altNames: options.hosts.map((h) => (IPV4.test(h) || h.includes(':') ? {type: 7, ip: h} : {type: 2, value: h})),
    },
  ])
  cert.sign(caKey, forge.md.sha256.create())
  return {cert: forge.pki.certificateToPem(cert), key: keys.keyPem}
}
