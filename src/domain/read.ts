// Why ARM could not read something, in one vocabulary: inventory errors, placeholders of unread members, guards,
// check rules and remediation texts all say the same word for the same answer. Pure.

/**
 * - `forbidden`: 401/403, the identity may not read it; says nothing about whether the member is healthy
 * - `not-found`: 404, or absent from a subscription that was listed and confirmed by a direct GET: deleted
 * - `region-not-answering`: 5xx, a timeout or a connection error: ARM or the member's region does not answer
 * - `not-listed`: its subscription is outside this run (not listed, or not passed with --subscription) and the
 *   direct read did not tell more: the subscription is unknown to this identity (another tenant) or ARM answered
 *   something else
 * - `unknown`: ARM answered an error that says nothing about the member (e.g. 400, or 429 after every retry)
 */
export type ReadCause = 'forbidden' | 'not-found' | 'region-not-answering' | 'not-listed' | 'unknown'

/** Why a member (or a scope) could not be read: the cause, and ARM's own code and message. */
export interface ReadError {
  cause: ReadCause
  code: string
  message: string
}

// codes the SDK and Node give a request that never got an HTTP answer
const NO_ANSWER = /^(Timeout|RequestFailed|REQUEST_SEND_ERROR|ECONN\w*|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|ENETUNREACH|EHOSTUNREACH|socket hang up)$/i

/**
 * The cause of a failed read from its HTTP status (null when no answer came) and ARM's error code. `outsideRun`:
 * the resource's subscription was not among the ones this run listed.
 */
export function causeOf(status: number | null, code: string, outsideRun = false): ReadCause {
  if (status === 403 || (status === 401 && !outsideRun)) return 'forbidden'
  if (status === 404) return outsideRun && /^SubscriptionNotFound$/i.test(code) ? 'not-listed' : 'not-found'
  if ((status !== null && (status >= 500 || status === 408)) || (status === null && (NO_ANSWER.test(code) || /^Http5\d\d$/.test(code)))) {
    return 'region-not-answering'
  }

  return outsideRun ? 'not-listed' : 'unknown'
}

/** The words an operator reads for each cause. */
export const CAUSE_TEXT: Record<ReadCause, string> = {
  forbidden: 'no read access',
  'not-found': 'deleted (ARM answers 404)',
  'region-not-answering': 'its region does not answer',
  'not-listed': 'its subscription is outside this run',
  unknown: 'ARM answered an error',
}

/** "region-not-answering (ServiceUnavailable: ...)": the cause first, then ARM's own words. */
export function describeReadError(e: ReadError): string {
  return `${e.cause} (${e.code}: ${e.message})`
}

/** The cause says the member itself is gone or down (not merely hidden from this identity). */
export function causeMeansDown(cause: ReadCause): boolean {
  return cause === 'region-not-answering' || cause === 'not-found'
}

/** The scope error `check` reports when it sees no group at all: an empty check must not pass. */
export const NO_GROUPS = 'NoGroupsVisible'
