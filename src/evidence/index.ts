export {isSecretName, redact, redactText, REDACTED, SecretRegistry, secrets} from '../shared/redact.js'
export {
  assertFileName,
  compactUtc,
  createBundle,
  DEFAULT_EVIDENCE_ROOT,
  MANIFEST_NAME,
  reopenBundle,
  sanitizeSegment,
  type CreateBundleOptions,
  type EvidenceBundle,
  type EvidenceManifest,
  type ManifestEntry,
} from './bundle.js'
export {renderReport, type EvidenceOutcome, type EvidenceRecord, type MemberRef, type ProbeLine} from './report.js'
export {verifyBundle, type FileStatus, type VerifyResult} from './verify.js'
