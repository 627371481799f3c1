// A private CA's PEM file (--ca, a profile's --ca-path): bounded, a regular file, and only its certificates kept. A
// private key that was pasted into the same file is dropped on reading, so no TLS option or debug dump can carry it.
import {X509Certificate} from 'node:crypto'
import {UsageError} from '../domain/errors.js'
import {FileReadError, MiB, readBoundedFileSync} from '../shared/bounded-read.js'

/** A CA bundle far larger than every public root together (about 220 KB) */
const CA_FILE_MAX_BYTES = 4 * MiB

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/

/**
 * The certificates of `path`, one PEM block each; a usage error naming `label` (e.g. "--ca") when the file is not a
 * regular file under the cap, or holds no certificate.
 */
export function readCaFile(path: string, label: string, suggestion: string): string {
  let text: string
  try {
    text = readBoundedFileSync(path, {maxBytes: CA_FILE_MAX_BYTES}).toString('utf8')
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`${label} ${path} ${error.reason}`, suggestion, 'CaFileUnreadable')
    throw error
  }

  const certificates = text.match(CERTIFICATE) ?? []
  if (certificates.length === 0) {
    throw new UsageError(`${label} ${path} holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)`, suggestion, 'CaFileUnreadable')
  }

  // a block that is not a certificate (truncated, pasted wrongly) would otherwise only show up as a failed TLS
  // verification at the first connection, which reads as "no CA given"
  const broken = certificates.findIndex((pem) => !isCertificate(pem))
  if (broken >= 0) {
    const which = certificates.length === 1 ? 'its certificate block' : `certificate block ${broken + 1} of ${certificates.length}`
    throw new UsageError(`${label} ${path}: ${which} is not a readable certificate`, suggestion, 'CaFileUnreadable')
  }

  if (PRIVATE_KEY.test(text)) {
    process.stderr.write(`(!) ${label} ${path} also holds a private key: only its certificates are used; keep keys out of CA files\n`)
  }

  return `${certificates.join('\n')}\n`
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem)
    return true
  } catch {
    return false
  }
}
