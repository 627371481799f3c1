// The ARM ports (ArmReader, ArmOperations) on the Azure SDK. One RedisEnterpriseManagementClient pipeline (auth, retries, throttling,
// TLS trust, the read budget, the watch on every attempt) carries every request. Reads use 2025-07-01 specs through
// the client's own sendOperationRequest because the SDK's 2022-01-01 mappers drop fields the model needs
// (highAvailability, accessKeysAuthentication, database redisVersion). The operations are POST specs on the same
// client (force-unlink at 2022-01-01, the version of the SDK's beginForceUnlink; force-link, flush and
// listSkusForScaling at 2025-07-01), polled by core-lro, so every request of an operation has the same timeout,
// watch and plain-words errors as a read, and the polling has a deadline.
import {createRequire} from 'node:module'
import type {TokenCredential} from '@azure/core-auth'
import type {FullOperationResponse, OperationArguments, OperationSpec} from '@azure/core-client'
import type * as CoreLro from '@azure/core-lro'
import type {LongRunningOperation, LroResponse} from '@azure/core-lro'
import type {HttpClient} from '@azure/core-rest-pipeline'
import {RedisEnterpriseManagementClient} from '@azure/arm-redisenterprisecache'
import {OperationError, UsageError} from '../domain/errors.js'
import {parseDatabaseId} from '../domain/ids.js'
import {secrets} from '../shared/redact.js'
import {waits} from '../shared/waits.js'
import type {ClusterView, DatabaseView, PlannedRequest} from '../domain/model.js'
import type {AccessKeys, ArmOperations, OperationOptions, OperationOutcome, SkuOption} from '../services/ports.js'
import {ArmBudget} from './budget.js'
import type {CloudName} from '../domain/clouds.js'
import {API_VERSION_NEW, API_VERSION_SDK, armScopeFor, REDIS_SCOPE} from './clouds.js'
import {stringClaim} from '../domain/token.js'
import {toArmError} from './errors.js'
import type {ArmCluster, ArmDatabase, ArmPage} from './json.js'
import {toClusterView, toDatabaseView} from './mappers.js'
import {OperationTracker, pollHeaders} from './operation-tracker.js'
import {SPECS} from './specs.js'
import {verifiedHttpClient} from './transport.js'
import {ArmWatch} from './watch.js'

// The SDK is CommonJS and require()s the core libraries; importing their ESM builds here would load a second copy
// of each (measured: 445 ms of CPU to load this module, 273 ms with one copy).
const {createHttpPoller} = createRequire(import.meta.url)('@azure/core-lro') as typeof CoreLro

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

  /** One request; its body is ARM's JSON of the shape the caller names (read field by field with defaults). */
  private async send<T = unknown>(operationSpec: OperationSpec, args: OperationArguments, abortSignal?: AbortSignal): Promise<{body: T; raw: FullOperationResponse}> {
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
    return {body: (raw!.parsedBody as T | undefined) ?? ({} as T), raw: raw!}
  }

  /** Follows every nextLink; each page is handed over as it arrives so callers can start the next reads. */
  private async readPages<T>(path: string, onPage: (items: T[]) => void, first = SPECS.read): Promise<void> {
    let page = (await this.send<ArmPage<T>>(first, {resourcePath: path})).body
    for (;;) {
      // the next page is asked for before this page's items queue their own reads, so the page chain never waits
      const next = page.nextLink ? this.send<ArmPage<T>>(SPECS.next, {nextLink: page.nextLink}) : null
      next?.catch(() => {}) // awaited below; this only keeps an early rejection from being unhandled
      onPage(page.value ?? [])
      if (!next) return
      page = (await next).body
    }
  }

  async listSubscriptions(): Promise<string[]> {
    const ids: string[] = []
    await this.readPages<{subscriptionId?: unknown}>('/subscriptions', (items) => ids.push(...items.map((s) => String(s.subscriptionId))), SPECS.subscriptions)
    return ids
  }

  async listClusters(subscriptionId: string, onPage?: (clusters: ClusterView[]) => void): Promise<ClusterView[]> {
    const all: ClusterView[] = []
    await this.readPages<ArmCluster>(`/subscriptions/${subscriptionId}/providers/Microsoft.Cache/redisEnterprise`, (items) => {
      const page = items.map(toClusterView)
      for (const c of page) this.watch.knowCluster(c.id, c.location)
      all.push(...page)
      onPage?.(page)
    })
    return all
  }

  async listDatabases(clusterId: string): Promise<DatabaseView[]> {
    const all: DatabaseView[] = []
    await this.readPages<ArmDatabase>(`${clusterId}/databases`, (items) => all.push(...items.map(toDatabaseView)))
    return all
  }

  async getCluster(clusterId: string): Promise<ClusterView> {
    const cluster = toClusterView((await this.send<ArmCluster>(SPECS.read, {resourcePath: clusterId})).body)
    this.watch.knowCluster(cluster.id, cluster.location)
    return cluster
  }

  async getDatabase(databaseId: string): Promise<DatabaseView> {
    return toDatabaseView((await this.send<ArmDatabase>(SPECS.read, {resourcePath: databaseId})).body)
  }

  async listKeys(databaseId: string): Promise<AccessKeys> {
    const {body} = await this.send<{primaryKey?: string; secondaryKey?: string}>(SPECS.post, {resourcePath: `${databaseId}/listKeys`})
    const keys = {primaryKey: String(body.primaryKey ?? ''), secondaryKey: String(body.secondaryKey ?? '')}
    // registered where they enter the process, so no caller can forget to
    secrets.add(keys.primaryKey)
    secrets.add(keys.secondaryKey)
    return keys
  }

  async listSkusForScaling(clusterId: string): Promise<SkuOption[]> {
    const {body} = await this.send<{skus?: {name?: unknown; sizeInGB?: unknown}[]}>(SPECS.post, {resourcePath: `${clusterId}/listSkusForScaling`})
    return (body.skus ?? []).map((s) => ({name: String(s.name), sizeInGB: Number(s.sizeInGB)}))
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
