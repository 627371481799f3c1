// Keeps geo-redis inside ARM's read budget by design: a bound on requests in flight, a token bucket per
// subscription (ARM: 250 reads, refilled at 25/s), and a pause of that subscription when ARM says 429.
// The bound is taken before a request enters the SDK (`gate`), so queued requests cost nothing until their turn
// (all of them entering the pipeline at once stalled the event loop for tens of ms at 1,000 clusters). The bucket
// is a pipeline policy that runs once per attempt, so retries count against the budget as ARM counts them. A pause
// is never longer than RETRY_AFTER_CAP_MS: ARM asking for more fails that request instead (azure/watch.ts).
import type {PipelinePolicy} from '@azure/core-rest-pipeline'
import {RETRY_AFTER_CAP_MS, retryAfterMs} from './watch.js'

export interface BudgetOptions {
  concurrency: number
  bucketSize: number
  refillPerSecond: number
}

class Semaphore {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return
    }

    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }
}

class TokenBucket {
  private tokens: number
  private last = Date.now()
  pausedUntil = 0

  constructor(
    private readonly size: number,
    private readonly refillPerSecond: number,
  ) {
    this.tokens = size
  }

  /** ms to wait before a token is available (0 = take it now) */
  take(): number {
    const now = Date.now()
    if (now < this.pausedUntil) return this.pausedUntil - now
    this.tokens = Math.min(this.size, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }

    return Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000)
  }
}

const SUBSCRIPTION_IN_PATH = /\/subscriptions\/([^/?]+)/i
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class ArmBudget {
  private readonly semaphore: Semaphore
  private readonly buckets = new Map<string, TokenBucket>()
  sent = 0

  constructor(private readonly options: BudgetOptions) {
    this.semaphore = new Semaphore(options.concurrency)
  }

  /** Runs one logical request (with its retries) when a slot is free. */
  async gate<T>(work: () => Promise<T>): Promise<T> {
    await this.semaphore.acquire()
    try {
      return await work()
    } finally {
      this.semaphore.release()
    }
  }

  policy(): PipelinePolicy {
    return {
      name: 'geoRedisArmBudget',
      sendRequest: async (request, next) => {
        const subscription = SUBSCRIPTION_IN_PATH.exec(new URL(request.url).pathname)?.[1]?.toLowerCase() ?? 'tenant'
        const bucket = this.bucket(subscription)
        for (let wait = bucket.take(); wait > 0; wait = bucket.take()) await sleep(wait)
        this.sent++
        const response = await next(request)
        if (response.status === 429) {
          const pause = retryAfterMs(response)
          if (pause) bucket.pausedUntil = Date.now() + Math.min(pause, RETRY_AFTER_CAP_MS)
        }

        return response
      },
    }
  }

  private bucket(subscription: string): TokenBucket {
    let bucket = this.buckets.get(subscription)
    if (!bucket) {
      bucket = new TokenBucket(this.options.bucketSize, this.options.refillPerSecond)
      this.buckets.set(subscription, bucket)
    }

    return bucket
  }
}
