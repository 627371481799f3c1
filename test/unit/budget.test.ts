// The read budget as a pipeline policy, driven with plain request objects and a `next` that answers after a delay.
import {createHttpHeaders, createPipelineRequest, type PipelineResponse} from '@azure/core-rest-pipeline'
import {describe, expect, it} from 'vitest'
import {ArmBudget} from '../../src/azure/budget.js'

const sub = (n: number) => `00000000-0000-0000-0000-00000000000${n}`
const request = (subscription: string) => createPipelineRequest({url: `https://arm.example/subscriptions/${subscription}/providers/x?api-version=1`})

function answering(delayMs: number, status = 200, headers: Record<string, string> = {}) {
  let inFlight = 0
  let peak = 0
  const times: number[] = []
  const next = async (req: ReturnType<typeof request>): Promise<PipelineResponse> => {
    times.push(Date.now())
    peak = Math.max(peak, ++inFlight)
    await new Promise((r) => setTimeout(r, delayMs))
    inFlight--
    return {request: req, status, headers: createHttpHeaders(headers)}
  }

  return {next, peak: () => peak, times}
}

describe('ARM read budget', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    const budget = new ArmBudget({concurrency: 4, bucketSize: 250, refillPerSecond: 25})
    const server = answering(20)
    const policy = budget.policy()
    await Promise.all(Array.from({length: 20}, () => budget.gate(() => policy.sendRequest(request(sub(1)), server.next))))
    expect(server.peak()).toBe(4)
    expect(budget.sent).toBe(20)
  })

  it('spends a bucket per subscription, then refills at its rate', async () => {
    const budget = new ArmBudget({concurrency: 50, bucketSize: 5, refillPerSecond: 20})
    const server = answering(1)
    const started = Date.now()
    await Promise.all(Array.from({length: 10}, () => budget.policy().sendRequest(request(sub(1)), server.next)))
    // 5 at once, then 5 more at 20/s: about 250 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    const other = Date.now()
    await budget.policy().sendRequest(request(sub(2)), server.next)
    expect(Date.now() - other).toBeLessThan(100)
  })

  it('pauses a subscription for Retry-After when ARM answers 429', async () => {
    const budget = new ArmBudget({concurrency: 4, bucketSize: 250, refillPerSecond: 25})
    await budget.policy().sendRequest(request(sub(1)), answering(1, 429, {'retry-after': '1'}).next)
    const started = Date.now()
    await budget.policy().sendRequest(request(sub(1)), answering(1).next)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})
