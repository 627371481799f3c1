// The board of waits, the watch on every ARM attempt (plain-words timeouts, one wait per silent scope, Retry-After
// capped), the --deadline parser and the progress lines that name waits off a terminal.
import {PassThrough} from 'node:stream'
import {createHttpHeaders, createPipelineRequest, RestError, type PipelineRequest, type PipelineResponse} from '@azure/core-rest-pipeline'
import {describe, expect, it} from 'vitest'
import {ArmError} from '../../src/azure/errors.js'
import {ArmWatch, RETRY_AFTER_CAP_MS, retryAfterMs} from '../../src/azure/watch.js'
import {parseDeadline} from '../../src/cli/flags.js'
import {startProgress} from '../../src/cli/progress.js'
import {duration, WaitBoard, waitLine} from '../../src/shared/waits.js'

const CLUSTER = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/geo-neu'
const request = (path: string, timeout = 30_000): PipelineRequest => {
  const r = createPipelineRequest({url: `https://arm.example${path}?api-version=2025-07-01`})
  r.timeout = timeout
  return r
}
const answer = (status: number, headers: Record<string, string> = {}, body = '') => async (req: PipelineRequest): Promise<PipelineResponse> => ({request: req, status, headers: createHttpHeaders(headers), bodyAsText: body})
const silent = async (): Promise<PipelineResponse> => {
  const error = new Error('The operation was aborted. Rejecting from abort signal callback while making request.')
  error.name = 'AbortError'
  throw error
}

describe('the board of waits', () => {
  it('names the wait open longest, with how long it has lasted and its bound', () => {
    let now = 1000
    const board = new WaitBoard(() => now)
    const endFirst = board.begin('westus2', 'ARM not answering', 30_000)
    now = 2000
    board.begin('sandbox-eastus/default', 'Redis not answering (PING)', 2000)
    now = 13_000
    expect(waitLine(board.longest()!)).toBe('waiting for westus2: ARM not answering, 12 s of 30 s')
    endFirst()
    endFirst()
    // never more than its bound
    expect(waitLine(board.longest()!)).toBe('waiting for sandbox-eastus/default: Redis not answering (PING), 2 s of 2 s')
  })

  it('names what is in front before the operation behind it, among the waits that have lasted long enough', () => {
    let now = 0
    const board = new WaitBoard(() => now)
    board.begin('force-unlink on geo-eus/default', 'in progress in Azure', 900_000, {behind: true})
    now = 60_000
    const endPoll = board.begin('eastus', 'ARM not answering', 30_000)
    now = 61_000
    // the poll has lasted 1 s: not yet worth naming, so the operation is
    expect(board.longest(3000)).toMatchObject({who: 'force-unlink on geo-eus/default', elapsedMs: 61_000})
    now = 72_000
    expect(waitLine(board.longest(3000)!)).toBe('waiting for eastus: ARM not answering, 12 s of 30 s')
    endPoll()
    expect(waitLine(board.longest(3000)!)).toBe('waiting for force-unlink on geo-eus/default: in progress in Azure, 72 s of 15 min')
  })

  it('says durations in plain words', () => {
    expect([800, 1000, 12_500, 119_000, 120_000, 900_000, 7_199_000, 7_200_000, 86_400_000].map(duration)).toEqual([
      '800 ms', '1 s', '12 s', '119 s', '2 min', '15 min', '119 min', '2 h', '24 h',
    ])
  })
})

describe('the watch on every ARM attempt', () => {
  it('says a timeout in plain words, by region, and does not wait for that scope again in the run', async () => {
    const board = new WaitBoard()
    const watch = new ArmWatch(board, 30_000)
    watch.knowCluster(CLUSTER, 'North Europe')
    const policy = watch.policy()
    const first = await policy.sendRequest(request(`${CLUSTER}/databases`, 5000), silent).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(ArmError)
    expect(first).toMatchObject({code: 'Timeout', status: null, message: 'ARM did not answer for northeurope within 5 s'})
    expect(board.longest()).toBeNull()

    let asked = false
    const again = await policy.sendRequest(request(`${CLUSTER}/databases/default`), async (r) => ((asked = true), answer(200)(r))).catch((e: unknown) => e)
    expect(asked).toBe(false)
    expect(again).toMatchObject({code: 'Timeout', message: 'ARM did not answer for northeurope within 5 s earlier in this run; not asked again'})
    // another scope is asked as usual
    const other = await policy.sendRequest(request(CLUSTER.replace('geo-neu', 'geo-eus')), answer(200))
    expect(other.status).toBe(200)
  })

  it('a request the caller aborted is not ARM\'s silence', async () => {
    const policy = new ArmWatch(new WaitBoard(), 30_000).policy()
    const controller = new AbortController()
    controller.abort()
    const req = request(CLUSTER)
    req.abortSignal = controller.signal
    await expect(policy.sendRequest(req, silent)).rejects.toMatchObject({name: 'AbortError'})
    expect((await policy.sendRequest(request(CLUSTER), answer(200))).status).toBe(200)
  })

  it('fails a request at once when ARM asks to wait longer than the cap, with ARM\'s code', async () => {
    const policy = new ArmWatch(new WaitBoard(), 30_000).policy()
    const body = JSON.stringify({error: {code: 'SubscriptionRequestsThrottled', message: 'Number of read requests exceeded.'}})
    const started = Date.now()
    const error = await policy.sendRequest(request('/subscriptions/s1/providers/Microsoft.Cache/redisEnterprise'), answer(429, {'Retry-After': '3600'}, body)).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(100)
    expect(error).toMatchObject({
      code: 'SubscriptionRequestsThrottled',
      status: 429,
      message: 'throttled by ARM: it asked to wait 60 min, longer than the 60 s geo-redis waits (Number of read requests exceeded.)',
    })
  })

  it('keeps a pause within the cap, on the board for as long as it lasts', async () => {
    const board = new WaitBoard()
    const policy = new ArmWatch(board, 30_000).policy()
    const response = await policy.sendRequest(request('/subscriptions/s1/providers/Microsoft.Cache/redisEnterprise'), answer(429, {'retry-after-ms': '200'}))
    expect(response.status).toBe(429)
    expect(board.longest()).toMatchObject({who: 'subscription s1', what: 'throttled by ARM', boundMs: 200})
    await new Promise((resolve) => setTimeout(resolve, 260))
    expect(board.longest()).toBeNull()
  })

  it('sends an operation\'s request once: a lost connection or a 5xx is not retried, a connection never made is', async () => {
    const policy = new ArmWatch(new WaitBoard(), 30_000).policy()
    const post = (path: string) => {
      const r = request(path)
      r.method = 'POST'
      return r
    }
    const failing = (code: string) => async (): Promise<PipelineResponse> => {
      throw new RestError('socket trouble', {code})
    }
    const reset = await policy.sendRequest(post(`${CLUSTER}/databases/default/forceUnlink`), failing('ECONNRESET')).catch((e: unknown) => e)
    expect(reset).toBeInstanceOf(ArmError)
    expect(reset).toMatchObject({code: 'ECONNRESET', message: 'the connection to ARM was lost (ECONNRESET)'})
    const body = JSON.stringify({error: {code: 'ServiceUnavailable', message: 'try later'}})
    await expect(policy.sendRequest(post(`${CLUSTER}/databases/default/flush`), answer(503, {}, body))).rejects.toMatchObject({code: 'ServiceUnavailable', status: 503})
    // the SDK may retry these: nothing reached ARM, or nothing is started by them
    await expect(policy.sendRequest(post(`${CLUSTER}/databases/default/forceLinkToReplicationGroup`), failing('ECONNREFUSED'))).rejects.toBeInstanceOf(RestError)
    await expect(policy.sendRequest(post(`${CLUSTER}/databases/default/listKeys`), failing('ECONNRESET'))).rejects.toBeInstanceOf(RestError)
    expect((await policy.sendRequest(post(`${CLUSTER}/databases/default/listKeys`), answer(503))).status).toBe(503)
  })

  it('reads Retry-After as the SDK does: milliseconds headers first, seconds, or a date; only on 429 and 503', () => {
    const at = (status: number, headers: Record<string, string>) => retryAfterMs({status, headers: createHttpHeaders(headers)})
    expect(at(429, {'Retry-After': '3600'})).toBe(3_600_000)
    expect(at(503, {'x-ms-retry-after-ms': '1500', 'Retry-After': '9'})).toBe(1500)
    expect(at(429, {'Retry-After': new Date(Date.now() + 120_000).toUTCString()})).toBeGreaterThan(RETRY_AFTER_CAP_MS)
    expect(at(429, {})).toBeNull()
    expect(at(202, {'Retry-After': '3600'})).toBeNull()
  })
})

describe('--deadline', () => {
  it('takes a whole number with its unit, from 1 s to 24 h', () => {
    expect(['1s', '90s', '15m', '1h', '24h', '1500ms'].map(parseDeadline)).toEqual([1000, 90_000, 900_000, 3_600_000, 86_400_000, 1500])
    for (const bad of ['90', '0s', '999ms', '25h', '1.5h', '1d', '-5m', '', ' ', '15 m', '1e3s']) expect(() => parseDeadline(bad), bad).toThrow(/such as 90s, 15m or 1h/)
  })
})

describe('progress off a terminal', () => {
  it('names a wait once it has lasted 3 s, and again every 15 s while it lasts', async () => {
    let now = 0
    const board = new WaitBoard(() => now)
    const stream = new PassThrough() as unknown as NodeJS.WriteStream
    let text = ''
    ;(stream as unknown as PassThrough).on('data', (d) => (text += d))
    const progress = startProgress('reading group geo', {stream, waits: board})
    const end = board.begin('westus2', 'ARM not answering', 30_000)
    const tick = () => new Promise((resolve) => setTimeout(resolve, 300))
    now = 2900
    await tick()
    expect(text).toBe('')
    now = 3100
    await tick()
    now = 10_000
    await tick()
    now = 18_200
    await tick()
    end()
    now = 40_000
    await tick()
    progress.stop()
    expect(text.split('\n').filter(Boolean)).toEqual(['  waiting for westus2: ARM not answering, 3 s of 30 s', '  waiting for westus2: ARM not answering, 18 s of 30 s'])
  })
})
