// The ARM ports (ArmReader, ArmOperations) on the Azure SDK. One RedisEnterpriseManagementClient pipeline (auth, retries, throttling,
// TLS trust, the read budget, the watch on every attempt) carries every request. Reads use 2025-07-01 specs through
// the client's own sendOperationRequest because the SDK's 2022-01-01 mappers drop fields the model needs
// (highAvailability, accessKeysAuthentication, database redisVersion). The operations are POST specs on the same
// client (force-unlink at 2022-01-01, the version of the SDK's beginForceUnlink; force-link, flush and
// listSkusForScaling at 2025-07-01), polled by core-lro, so every request of an operation has the same timeout,
// watch and plain-words errors as a read, and the polling has a deadline.
import {createRequire} from 'node:module'
import type {TokenCredential} from '@azure/core-auth'
import type * as CoreClient from '@azure/core-client'
import type {
  FullOperationResponse,
  OperationArguments,
  OperationParameter,
  OperationQueryParameter,
  OperationSpec,
  OperationURLParameter,
} from '@azure/core-client'
import type * as CoreLro from '@azure/core-lro'
import type {LongRunningOperation, LroResponse} from '@azure/core-lro'
import type {HttpClient} from '@azure/core-rest-pipeline'
import {RedisEnterpriseManagementClient} from '@azure/arm-redisenterprisecache'
import {OperationError, signalText, stopSignalOf, UsageError} from '../domain/errors.js'
import {parseDatabaseId} from '../domain/ids.js'
import {secrets} from '../shared/redact.js'
import {duration, waits} from '../shared/waits.js'
import type {ClusterView, DatabaseView, PlannedRequest} from '../domain/model.js'
import type {AccessKeys, ArmOperations, LostSight, OperationOptions, OperationOutcome, SkuOption} from '../services/ports.js'
import {ArmBudget} from './budget.js'
import type {CloudName} from '../domain/clouds.js'
import {API_VERSION_NEW, API_VERSION_SDK, API_VERSION_SUBSCRIPTIONS, armScopeFor, REDIS_SCOPE} from './clouds.js'
import {stringClaim} from '../domain/token.js'
import {toArmError} from './errors.js'
import {toClusterView, toDatabaseView} from './mappers.js'
import {verifiedHttpClient} from './transport.js'
import {ArmWatch} from './watch.js'

export interface ArmSettings {
  cloud: CloudName
  armEndpoint: string
  /** for ARM only */
  credential: TokenCredential
  /** Microsoft Entra tokens for Redis; null: none can be had (only a ready ARM token was given) */
  redisCredential?: TokenCredential | null
  /** extra CA certificates (PEM) to trust besides Node's roots, e.g. the sandbox CA */
  caPem?: string
  concurrency: number
  requestTimeoutMs: number
  pollIntervalMs: number
  budget?: {bucketSize: number; refillPerSecond: number}
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

// The SDK is CommonJS and require()s the core libraries; importing their ESM builds here would load a second copy
// of each (measured: 445 ms of CPU to load this module, 273 ms with one copy).
const require = createRequire(import.meta.url)
const coreClient = require('@azure/core-client') as typeof CoreClient
const {createHttpPoller} = require('@azure/core-lro') as typeof CoreLro

const serializer = coreClient.createSerializer({}, false)
const stringParam = (name: string, skipEncoding = true): OperationURLParameter => ({
  parameterPath: name,
  mapper: {serializedName: name, required: true, type: {name: 'String'}},
  skipEncoding,
})
const apiVersion = (version: string): OperationQueryParameter => ({
  parameterPath: 'apiVersion',
  mapper: {defaultValue: version, isConstant: true, serializedName: 'api-version', type: {name: 'String'}},
})
const accept: OperationParameter = {
  parameterPath: 'accept',
  mapper: {defaultValue: 'application/json', isConstant: true, serializedName: 'Accept', type: {name: 'String'}},
}
const contentType: OperationParameter = {
  parameterPath: 'contentType',
  mapper: {defaultValue: 'application/json', isConstant: true, serializedName: 'Content-Type', type: {name: 'String'}},
}
const bodyParam: OperationParameter = {parameterPath: 'body', mapper: {serializedName: 'body', type: {name: 'any'}}}
const anyResponse = {200: {}, 201: {}, 202: {}, 204: {}, default: {}}

function spec(path: string, httpMethod: 'GET' | 'POST', version: string | null, withBody = false): OperationSpec {
  return {
    path,
    httpMethod,
    responses: httpMethod === 'GET' ? {200: {}, default: {}} : anyResponse,
    requestBody: withBody ? bodyParam : undefined,
    queryParameters: version ? [apiVersion(version)] : [],
    urlParameters: [stringParam('$host'), stringParam(path.slice(1, path.indexOf('}')))],
    headerParameters: withBody ? [accept, contentType] : [accept],
    mediaType: withBody ? 'json' : undefined,
    serializer,
  }
}

const SPECS = {
  read: spec('{resourcePath}', 'GET', API_VERSION_NEW),
  subscriptions: spec('{resourcePath}', 'GET', API_VERSION_SUBSCRIPTIONS),
  next: spec('{nextLink}', 'GET', null),
  post: spec('{resourcePath}', 'POST', API_VERSION_NEW, true),
  postSdk: spec('{resourcePath}', 'POST', API_VERSION_SDK, true),
  poll: {...spec('{nextLink}', 'GET', null), responses: anyResponse},
}

export class AzureArm implements ArmOperations {
  private readonly clients = new Map<string, RedisEnterpriseManagementClient>()
  private readonly budget: ArmBudget
  private readonly watch: ArmWatch
  private readonly httpClient: HttpClient

  constructor(private readonly settings: ArmSettings) {
    this.budget = new ArmBudget({
      concurrency: settings.concurrency,
      bucketSize: settings.budget?.bucketSize ?? 250,
      refillPerSecond: settings.budget?.refillPerSecond ?? 25,
    })
    this.watch = new ArmWatch(waits, settings.requestTimeoutMs)
    // TLS trust and keep-alive sized to the concurrency, shared by every client
    this.httpClient = verifiedHttpClient({caPem: settings.caPem, maxSockets: settings.concurrency})
  }

  /** ARM requests sent so far, retries included (the benchmarks compare it with the emulator's log) */
  requestCount(): number {
    return this.budget.sent
  }

  /** One client per subscription (the SDK's typed calls take it from the client); all share one budget. */
  private client(subscriptionId = '00000000-0000-0000-0000-000000000000'): RedisEnterpriseManagementClient {
    let client = this.clients.get(subscriptionId)
    if (!client) {
      client = new RedisEnterpriseManagementClient(this.settings.credential, subscriptionId, {
        endpoint: this.settings.armEndpoint,
        credentialScopes: [this.scope()],
        retryOptions: {maxRetries: 3, retryDelayInMs: 400, maxRetryDelayInMs: 5000},
        userAgentOptions: {userAgentPrefix: 'geo-redis'},
        httpClient: this.httpClient,
        // the budget first: time queued for a token is not time ARM takes to answer
        additionalPolicies: [
          {policy: this.budget.policy(), position: 'perRetry'},
          {policy: this.watch.policy(), position: 'perRetry'},
        ],
      })
      // ARM bodies are JSON, never form data; the policy's `typeof FormData` check alone loads Node's fetch (undici),
      // about 20 ms before the first request
      client.pipeline.removePolicy({name: 'formDataPolicy'})
      this.clients.set(subscriptionId, client)
    }

    return client
  }

  private scope(): string {
    return armScopeFor(this.settings.cloud, this.settings.armEndpoint)
  }

  /**
   * The first ARM token, asked for before any request: a failed sign-in is then the operator's to fix (exit 2, with
   * what to do), not a scope the inventory could not read. Later requests take it from the credential's cache.
   */
  async signIn(): Promise<void> {
    await this.settings.credential.getToken(this.scope())
  }

  private async send(operationSpec: OperationSpec, args: OperationArguments, abortSignal?: AbortSignal): Promise<{body: Json; raw: FullOperationResponse}> {
    let raw: FullOperationResponse | undefined
    try {
      await this.budget.gate(() =>
        this.client().sendOperationRequest(
          {...args, options: {...args.options, abortSignal, requestOptions: {timeout: this.settings.requestTimeoutMs}, onResponse: (r) => (raw = r)}},
          operationSpec,
        ),
      )
    } catch (error) {
      // a sign-in that fails mid-run (an expired session) keeps its own advice and exit code
      throw error instanceof UsageError ? error : toArmError(error)
    }

    // the SDK's deserialization policy has parsed the body already (no mapper: plain JSON)
    return {body: (raw!.parsedBody as Json | undefined) ?? {}, raw: raw!}
  }

  /** Follows every nextLink; each page is handed over as it arrives so callers can start the next reads. */
  private async readPages(path: string, onPage: (items: Json[]) => void, first = SPECS.read): Promise<void> {
    let page = (await this.send(first, {resourcePath: path})).body
    for (;;) {
      // the next page is asked for before this page's items queue their own reads, so the page chain never waits
      const next = page.nextLink ? this.send(SPECS.next, {nextLink: page.nextLink}) : null
      next?.catch(() => {}) // awaited below; this only keeps an early rejection from being unhandled
      onPage(page.value ?? [])
      if (!next) return
      page = (await next).body
    }
  }

  async listSubscriptions(): Promise<string[]> {
    const ids: string[] = []
    await this.readPages('/subscriptions', (items) => ids.push(...items.map((s) => String(s.subscriptionId))), SPECS.subscriptions)
    return ids
  }

  async listClusters(subscriptionId: string, onPage?: (clusters: ClusterView[]) => void): Promise<ClusterView[]> {
    const all: ClusterView[] = []
    await this.readPages(`/subscriptions/${subscriptionId}/providers/Microsoft.Cache/redisEnterprise`, (items) => {
      const page = items.map(toClusterView)
      for (const c of page) this.watch.knowCluster(c.id, c.location)
      all.push(...page)
      onPage?.(page)
    })
    return all
  }

  async listDatabases(clusterId: string): Promise<DatabaseView[]> {
    const all: DatabaseView[] = []
    await this.readPages(`${clusterId}/databases`, (items) => all.push(...items.map(toDatabaseView)))
    return all
  }

  async getCluster(clusterId: string): Promise<ClusterView> {
    const cluster = toClusterView((await this.send(SPECS.read, {resourcePath: clusterId})).body)
    this.watch.knowCluster(cluster.id, cluster.location)
    return cluster
  }

  async getDatabase(databaseId: string): Promise<DatabaseView> {
    return toDatabaseView((await this.send(SPECS.read, {resourcePath: databaseId})).body)
  }

  async listKeys(databaseId: string): Promise<AccessKeys> {
    const {body} = await this.send(SPECS.post, {resourcePath: `${databaseId}/listKeys`})
    const keys = {primaryKey: String(body.primaryKey ?? ''), secondaryKey: String(body.secondaryKey ?? '')}
    // registered where they enter the process, so no caller can forget to
    secrets.add(keys.primaryKey)
    secrets.add(keys.secondaryKey)
    return keys
  }

  async listSkusForScaling(clusterId: string): Promise<SkuOption[]> {
    const {body} = await this.send(SPECS.post, {resourcePath: `${clusterId}/listSkusForScaling`})
    return (body.skus ?? []).map((s: Json) => ({name: String(s.name), sizeInGB: Number(s.sizeInGB)}))
  }

  private plan(path: string, version: string, body: unknown): PlannedRequest {
    return {method: 'POST', url: `${this.settings.armEndpoint.replace(/\/+$/, '')}${path}?api-version=${version}`, apiVersion: version, body}
  }

  planForceUnlink(onDatabaseId: string, unlinkIds: string[]): PlannedRequest {
    return this.plan(`${onDatabaseId}/forceUnlink`, API_VERSION_SDK, {ids: unlinkIds})
  }

  planForceLink(databaseId: string, groupNickname: string, linkedIds: string[]): PlannedRequest {
    return this.plan(`${databaseId}/forceLinkToReplicationGroup`, API_VERSION_NEW, {
      geoReplication: {groupNickname, linkedDatabases: linkedIds.map((id) => ({id}))},
    })
  }

  planFlush(databaseId: string, linkedIds: string[]): PlannedRequest {
    return this.plan(`${databaseId}/flush`, API_VERSION_NEW, {ids: linkedIds})
  }

  forceUnlink(onDatabaseId: string, unlinkIds: string[], options: OperationOptions = {}): Promise<OperationOutcome> {
    if (!parseDatabaseId(onDatabaseId)) throw new Error(`not a database id: ${onDatabaseId}`)
    return this.runOperation(`${onDatabaseId}/forceUnlink`, SPECS.postSdk, {ids: unlinkIds}, 'azure-async-operation', options)
  }

  forceLink(databaseId: string, groupNickname: string, linkedIds: string[], options: OperationOptions = {}): Promise<OperationOutcome> {
    const plan = this.planForceLink(databaseId, groupNickname, linkedIds)
    return this.runOperation(`${databaseId}/forceLinkToReplicationGroup`, SPECS.post, plan.body, 'azure-async-operation', options)
  }

  flush(databaseId: string, linkedIds: string[], options: OperationOptions = {}): Promise<OperationOutcome> {
    return this.runOperation(`${databaseId}/flush`, SPECS.post, {ids: linkedIds}, 'location', options)
  }

  /** A POST long-running operation on the SDK client's pipeline, polled by core-lro until ARM's verdict or lost sight. */
  private async runOperation(
    path: string,
    post: OperationSpec,
    body: unknown,
    finalState: 'azure-async-operation' | 'location',
    options: OperationOptions,
  ): Promise<OperationOutcome> {
    const tracker = new OperationTracker(options)
    return tracker.settle(async (stop) => {
      const asLro = async (operationSpec: OperationSpec, args: OperationArguments): Promise<LroResponse> => {
        const {body: parsed, raw} = await this.send(operationSpec, args, stop)
        const headers = raw.headers.toJSON()
        tracker.saw(raw.status, headers, raw.bodyAsText ?? undefined)
        return {flatResponse: parsed, rawResponse: {statusCode: raw.status, headers: pollHeaders(headers), body: parsed}}
      }
      const lro: LongRunningOperation = {
        requestMethod: 'POST',
        requestPath: path,
        sendInitialRequest: () => asLro(post, {resourcePath: path, body}),
        sendPollRequest: (url: string) => asLro(SPECS.poll, {nextLink: url}),
      }
      const poller = await createHttpPoller(lro, {
        intervalInMs: this.settings.pollIntervalMs,
        resourceLocationConfig: finalState,
        resolveOnUnsuccessful: true,
      })
      poller.onProgress((state) => tracker.progress(state.status === 'succeeded' ? 'Succeeded' : 'InProgress'))
      await poller.pollUntilDone({abortSignal: stop})
      const state = poller.getOperationState()
      if (state.status === 'failed' || state.status === 'canceled') throw state.error ?? new Error(state.status)
    })
  }

  async principal(): Promise<{upn: string | null; oid: string | null; appid: string | null}> {
    const token = (await this.settings.credential.getToken(this.scope()))?.token ?? ''
    const pick = (...names: string[]) => names.map((n) => stringClaim(token, n)).find((v) => v !== null) ?? null

    return {upn: pick('upn', 'unique_name', 'preferred_username'), oid: pick('oid'), appid: pick('appid', 'azp')}
  }

  async redisToken(): Promise<{token: string; objectId: string | null} | null> {
    // never the ARM credential: a ready ARM token would be sent to every member as its AUTH password
    if (!this.settings.redisCredential) return null
    const token = await this.settings.redisCredential.getToken(REDIS_SCOPE)
    if (!token) {
      throw new OperationError('no Microsoft Entra token for Azure Managed Redis', 'grant the identity a Redis data access policy, or use --auth keys', 'EntraTokenUnavailable')
    }

    return {token: token.token, objectId: stringClaim(token.token, 'oid')}
  }
}

/** Retry-After between polls is a hint: past the cap the poll interval stays the cap, so a deadline still ends it. */
function pollHeaders(headers: Record<string, string>): Record<string, string> {
  const seconds = Number(headers['retry-after'])
  return Number.isFinite(seconds) && seconds > POLL_INTERVAL_CAP_S ? {...headers, 'retry-after': String(POLL_INTERVAL_CAP_S)} : headers
}

const POLL_INTERVAL_CAP_S = 60

/**
 * Follows one operation to ARM's verdict, or to the moment geo-redis loses sight of it: a stop signal, the deadline,
 * or ARM no longer answering about it. Remembers the status URL and the last status document, so a failure reports
 * ARM's own code and message, and an unknown outcome says why and where to look.
 */
class OperationTracker {
  statusUrl: string | null = null
  /** ARM answered the request itself (2xx): from here on only ARM's verdict makes the outcome Failed */
  private accepted = false
  private lastStatus = 'Accepted'
  private lastBody: Json | null = null

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
        this.lastBody = JSON.parse(text) as Json
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
    const verdict = body?.status === 'Failed' || body?.status === 'Canceled' ? (body.status as 'Failed' | 'Canceled') : null
    const armError = (body?.error?.error ?? body?.error) as Json | undefined
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
