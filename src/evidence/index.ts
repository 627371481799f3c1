export {redact, redactText, SecretRegistry, secrets} from '../shared/redact.js'
export {
  compactUtc,
  createBundle,
  reopenBundle,
  type EvidenceBundle,
  type EvidenceManifest,
  type ManifestEntry,
} from './bundle.js'
export {renderReport, type EvidenceOutcome, type EvidenceRecord, type ProbeLine} from './report.js'
export {verifyBundle} from './verify.js'
