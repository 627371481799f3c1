// `geo-redis evidence verify`: a bundle's files against its manifest, and the manifest against the digest kept in a
// ticket. Reads only the folder named; never reaches ARM or Redis.
import {verifyBundle, type VerifyResult} from '../evidence/verify.js'

export type {VerifyResult}

export function verifyEvidence(dir: string, options: {expect?: string}): Promise<VerifyResult> {
  return verifyBundle(dir, options)
}
