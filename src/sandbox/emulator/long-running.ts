// Long-running operations as ARM runs them: a 202 with Azure-AsyncOperation (and Location for some), a status
// document that answers InProgress for a number of polls, then the change is applied and the operation Succeeded,
// or Failed with an error and nothing changed.
import {randomUUID} from 'node:crypto'
import {normaliseLocation} from '../../domain/ids.js'
import {ErrorReply, notFound} from './errors.js'
import type {Call, Reply} from './http.js'
import type {WorldCluster, WorldSubscription} from './world.js'

export interface OperationFailure {
  code: string
  message: string
}

/** What an operation does when it completes, and what undoes its in-flight view when it fails. */
export interface OperationEffect {
  apply: () => void | Promise<void>
  /** undoes what the operation showed while in flight (Linking, Unlinking), when it fails */
  revert: () => void
}

interface Operation extends OperationEffect {
  name: string
  subscriptionId: string
  location: string
  startTime: string
  endTime?: string
  status: 'InProgress' | 'Succeeded' | 'Failed'
  pollsLeft: number
  failure: OperationFailure | null
  error?: OperationFailure
  settling?: Promise<void>
}

export interface LongRunningOptions {
  /** polls that answer InProgress before the terminal status */
  lroPolls?: number
  /** Retry-After on 202s and running polls */
  retryAfterSeconds?: number
  /** an operation completed and changed the world */
  onApplied?: () => void
}

export class LongRunningOperations {
  private readonly operations = new Map<string, Operation>()
  private nextFailure: OperationFailure | null = null

  /** @param baseUrl the emulator's URL, known once it listens */
  constructor(
    private readonly options: LongRunningOptions,
    private readonly baseUrl: () => string,
  ) {}

  /** the next operation started ends Failed with this error and changes nothing */
  failNext(error: OperationFailure): void {
    this.nextFailure = {code: error.code, message: error.message}
  }

  /** Starts an operation on the cluster: its 202, with a Location to poll too when `withLocation`. */
  start(call: Call, sub: WorldSubscription, cluster: WorldCluster, withLocation: boolean, effect: OperationEffect): Reply {
    const op: Operation = {
      ...effect,
      name: randomUUID(),
      subscriptionId: sub.id,
      location: normaliseLocation(cluster.location),
      startTime: new Date().toISOString(),
      status: 'InProgress',
      pollsLeft: this.options.lroPolls ?? 1,
      failure: this.nextFailure,
    }
    this.nextFailure = null
    this.operations.set(op.name, op)
    const base = `${this.baseUrl()}/subscriptions/${sub.id}/providers/Microsoft.Cache/locations/${op.location}`
    const version = `?api-version=${call.apiVersion}`
    return {
      status: 202,
      headers: {
        'Azure-AsyncOperation': `${base}/operationsStatus/${op.name}${version}`,
        ...(withLocation ? {Location: `${base}/operationResults/${op.name}${version}`} : {}),
        'Retry-After': String(this.retryAfter()),
      },
    }
  }

  /** The operation a status URL names, or ARM's 404. */
  find(sub: WorldSubscription, location: string, name: string): Operation {
    const op = this.operations.get(name)
    if (!op || op.subscriptionId !== sub.id || op.location !== location) throw notFound(`Microsoft.Cache/locations/${location}/operationsStatus/${name}`)
    return op
  }

  /** Azure-AsyncOperation (status document) and Location (202 until done, then 200) polls share one counter. */
  async poll(call: Call, op: Operation, viaLocation: boolean): Promise<Reply> {
    await this.advance(op)
    const running = op.status === 'InProgress'
    const retry: Record<string, string> = running ? {'Retry-After': String(this.retryAfter())} : {}
    if (viaLocation) {
      if (running) return {status: 202, headers: {Location: `${this.baseUrl()}${call.path}?api-version=${call.apiVersion}`, ...retry}}
      // a failed operation answers its error with 400 so clients stop at once instead of retrying a 5xx
      if (op.error) throw new ErrorReply(400, op.error.code, op.error.message)
      return {status: 200}
    }
    return {status: 200, headers: retry, body: statusDocument(op)}
  }

  private async advance(op: Operation): Promise<void> {
    if (op.status !== 'InProgress') return
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1
      return
    }
    op.settling ??= this.settle(op)
    await op.settling
  }

  /** The state change happens when the operation completes, as in ARM; a failed one changes nothing. */
  private async settle(op: Operation): Promise<void> {
    if (op.failure) {
      op.error = op.failure
      op.revert()
    } else {
      try {
        await op.apply()
        this.options.onApplied?.()
      } catch (error) {
        op.error = {code: 'InternalServerError', message: error instanceof Error ? error.message : String(error)}
        op.revert()
      }
    }
    op.status = op.error ? 'Failed' : 'Succeeded'
    op.endTime = new Date().toISOString()
  }

  /**
   * @azure/core-lro ignores 0 and then uses the client's own interval (updateIntervalInMs), which is how tests poll
   * fast.
   */
  private retryAfter(): number {
    return this.options.retryAfterSeconds ?? 1
  }
}

function statusDocument(op: Operation): Record<string, unknown> {
  return {
    id: `/subscriptions/${op.subscriptionId}/providers/Microsoft.Cache/locations/${op.location}/operationsStatus/${op.name}`,
    name: op.name,
    startTime: op.startTime,
    ...(op.endTime ? {endTime: op.endTime} : {}),
    status: op.status,
    ...(op.error ? {error: op.error} : {}),
  }
}
