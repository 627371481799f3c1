// Following one long-running operation to ARM's verdict, or to the moment geo-redis loses sight of it.
import {signalText, stopSignalOf} from '../domain/errors.js'
import {duration} from '../shared/waits.js'
import type {LostSight, OperationOptions, OperationOutcome} from '../services/ports.js'
import {toArmError} from './errors.js'
import type {ArmStatus} from './json.js'

/** Retry-After between polls is a hint: past the cap the poll interval stays the cap, so a deadline still ends it. */
export function pollHeaders(headers: Record<string, string>): Record<string, string> {
  const seconds = Number(headers['retry-after'])
  return Number.isFinite(seconds) && seconds > POLL_INTERVAL_CAP_S ? {...headers, 'retry-after': String(POLL_INTERVAL_CAP_S)} : headers
}

const POLL_INTERVAL_CAP_S = 60

/**
 * Follows one operation to ARM's verdict, or to the moment geo-redis loses sight of it: a stop signal, the deadline,
 * or ARM no longer answering about it. Remembers the status URL and the last status document, so a failure reports
 * ARM's own code and message, and an unknown outcome says why and where to look.
 */
export class OperationTracker {
  statusUrl: string | null = null
  /** ARM answered the request itself (2xx): from here on only ARM's verdict makes the outcome Failed */
  private accepted = false
  private lastStatus = 'Accepted'
  private lastBody: ArmStatus | null = null

  constructor(private readonly options: OperationOptions) {}

  /**
   * Runs the request and its polling, handing `work` the signal that stops both. A stop signal or the deadline
   * resolves at once as Unknown and stops the polling, so no request outlives the command; the operation itself goes
   * on in Azure.
   */
  settle(work: (stop: AbortSignal) => Promise<void>): Promise<OperationOutcome> {
    const {abortSignal: signal, deadlineMs} = this.options
    const stop = new AbortController()
    return new Promise<OperationOutcome>((resolve) => {
      let deadline: NodeJS.Timeout | undefined
      const end = (outcome: OperationOutcome) => {
        if (stop.signal.aborted) return
        clearTimeout(deadline)
        signal?.removeEventListener('abort', stopped)
        stop.abort()
        resolve(outcome)
      }
      const stopped = () => {
        const name = stopSignalOf(signal) ?? 'SIGINT'
        const when = this.accepted ? `while following the operation (last seen: ${this.lastStatus})` : 'before ARM confirmed the request'
        end(this.unknown({cause: 'signal', signal: name, message: `stopped by ${signalText(name)} ${when}`}))
      }
      if (signal?.aborted) return stopped()
      signal?.addEventListener('abort', stopped, {once: true})
      if (deadlineMs) {
        deadline = setTimeout(() => {
          const what = this.accepted ? `still ${this.lastStatus}` : 'not confirmed by ARM'
          end(this.unknown({cause: 'deadline', signal: null, message: `${what} after ${duration(deadlineMs)} (the deadline): geo-redis stopped following it`}))
        }, deadlineMs)
      }
      work(stop.signal).then(
        () => end({status: 'Succeeded', statusUrl: this.statusUrl, error: null, lostSight: null}),
        (error: unknown) => end(this.failed(error)),
      )
    })
  }

  saw(status: number, headers: Record<string, string>, text: string | undefined): void {
    if (status >= 200 && status < 300) this.accepted = true
    const url = headers['azure-asyncoperation'] ?? headers.location
    if (url && !this.statusUrl) {
      this.statusUrl = url
      this.progress('Accepted')
    }

    if (status >= 200 && text) {
      try {
        this.lastBody = JSON.parse(text) as ArmStatus
      } catch {
        this.lastBody = null
      }
    }
  }

  progress(status: string): void {
    this.lastStatus = status
    this.options.onProgress?.(status, this.statusUrl)
  }

  private unknown(lostSight: LostSight): OperationOutcome {
    return {status: 'Unknown', statusUrl: this.statusUrl, error: null, lostSight}
  }

  /** Failed only on ARM's verdict: its status document, its answer to the request, or the operation's result (400). */
  private failed(error: unknown): OperationOutcome {
    const body = this.lastBody
    const verdict = body?.status === 'Failed' || body?.status === 'Canceled' ? body.status : null
    const armError = body?.error?.error ?? body?.error
    if (verdict) {
      return {status: verdict, statusUrl: this.statusUrl, error: {code: String(armError?.code ?? verdict), message: String(armError?.message ?? '')}, lostSight: null}
    }

    const e = toArmError(error)
    const refused = !this.accepted && e.status !== null && e.status >= 400 && e.status < 500
    if (refused || (this.accepted && e.status === 400)) {
      return {status: 'Failed', statusUrl: this.statusUrl, error: {code: e.code, message: e.message}, lostSight: null}
    }

    const message = this.accepted
      ? `lost sight of the operation (last seen: ${this.lastStatus}): ${e.message}`
      : `ARM did not confirm the request, which may have started (${e.code}: ${e.message})`
    return this.unknown({cause: 'no-answer', signal: null, message})
  }
}
