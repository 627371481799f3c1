// The one module that builds adapters and hands them to use cases as ports. A reading command gets an ArmReader
// that holds nothing else: its methods only, picked off the SDK adapter, so nothing that can mutate is within its
// reach, not even by a cast. Only guarded commands get ArmOperations. The adapters are imported when first needed, so
// --help never loads the Azure SDK and inventory never loads the Redis client.
import type {ArmOperations, ArmReader, DataPlane, FileProbingPorts, GroupFiles, GuardedPorts, Heartbeats, ListenOptions, ProbingArm, ProbingPorts, Progress, RedisCredentials, ServeListener} from '../services/ports.js'
import type {IncidentPorts} from '../services/runbook/incident.js'
import {readCaFile} from './ca-file.js'
import {groupLocks, type HeldGroupLocks} from './locks.js'
import {TerminalDisplay, TerminalPrompter} from './prompts.js'
import type {ResolvedArmSettings} from './settings.js'

/** Every method of each port, so a new one must be named here too (the compiler checks). */
const READER = {
  listSubscriptions: true,
  listClusters: true,
  listDatabases: true,
  getCluster: true,
  getDatabase: true,
  listSkusForScaling: true,
  principal: true,
} as const satisfies Record<keyof ArmReader, true>

const CREDENTIALS = {listKeys: true, redisToken: true} as const satisfies Record<keyof RedisCredentials, true>

/** An object with only `methods` of `arm`, bound to it. */
function only<T>(arm: ArmOperations, methods: Record<string, true>): T {
  const source = arm as unknown as Record<string, (...args: unknown[]) => unknown>
  return Object.fromEntries(Object.keys(methods).map((name) => [name, source[name].bind(arm)])) as T
}

/** A warning when the environment asks to switch TLS verification off, which geo-redis never does. */
function tlsOverrideWarning(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return null
  return (
    'NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: geo-redis always verifies the certificates of ARM, Microsoft Entra and Redis; ' +
    'to trust a private CA, set NODE_EXTRA_CA_CERTS=<ca.pem>, save it in a profile (profile set --ca-path), or pass --ca for Redis'
  )
}

/**
 * Signs in before the first ARM request, so a failed sign-in is a usage error (exit 2) with what to do, whatever the
 * command; the ARM token goes to ARM only and a Redis token is asked for separately, when Entra AUTH needs one.
 */
async function connectArm(settings: ResolvedArmSettings): Promise<ArmOperations> {
  const warning = tlsOverrideWarning()
  if (warning) process.stderr.write(`(!) ${warning}\n`)
  const [{AzureArm}, {createCredentials}] = await Promise.all([import('../azure/arm.js'), import('../azure/credentials.js')])
  const credentials = await createCredentials(settings)
  const arm = new AzureArm({...settings, credential: credentials.arm, redisCredential: credentials.redis})
  await arm.signIn()
  return arm
}

/** `hosts`: the profile's host name → address map (none: DNS for every name). */
async function dataPlane(hosts?: ReadonlyMap<string, string>): Promise<DataPlane> {
  const {RedisDataPlane} = await import('../redis/data-plane.js')
  return new RedisDataPlane(hosts)
}

/** inventory, group show: ARM, read-only. */
export async function readingArm(settings: ResolvedArmSettings): Promise<ArmReader> {
  return only<ArmReader>(await connectArm(settings), READER)
}

/** endpoints export: ARM read-only, and the access keys it may export. */
export async function keyReadingArm(settings: ResolvedArmSettings): Promise<ProbingArm> {
  return only<ProbingArm>(await connectArm(settings), {...READER, ...CREDENTIALS})
}

/** probe, capacity, check, evidence capture: ARM read-only, the keys the probes present, and the data plane. */
export async function probingPorts(settings: ResolvedArmSettings): Promise<ProbingPorts> {
  return {arm: await keyReadingArm(settings), dataPlane: await dataPlane(settings.hosts)}
}

/**
 * Group files (--group-file) and what they reference, on the local file system; CA files read as --ca is. Hand it
 * to groupFileTargets (services/group-file.ts) for the targets of the groups a file describes.
 */
export async function groupFiles(): Promise<GroupFiles> {
  const {FileGroupFiles} = await import('../file/group-file.js')
  return new FileGroupFiles(readCaFile)
}

/** probe --group-file: the group file and the data plane; no ARM at all. */
export async function fileProbingPorts(): Promise<FileProbingPorts> {
  return {files: await groupFiles(), dataPlane: await dataPlane()}
}

/**
 * force-unlink, force-link, flush, the runbook: every ARM operation, the data plane, and this machine's group locks
 * (`connection`: the run's ARM flags, for the command a busy lock suggests); the caller releases the locks at the end.
 */
export async function guardedPorts(settings: ResolvedArmSettings, connection: string[]): Promise<GuardedPorts & {locks: HeldGroupLocks}> {
  return {arm: await connectArm(settings), dataPlane: await dataPlane(settings.hosts), locks: groupLocks(connection)}
}

/** The incident runbook: a guarded command's ports, and the operator on this terminal (`progress`: the command's own). */
export async function incidentPorts(settings: ResolvedArmSettings, connection: string[], progress: (text: string) => Progress): Promise<IncidentPorts & {locks: HeldGroupLocks}> {
  return {...(await guardedPorts(settings, connection)), prompter: new TerminalPrompter(), display: new TerminalDisplay(progress)}
}

/** serve and watch: heartbeats and memory samples on the members' Redis (`hosts`: the profile's host map). */
export async function heartbeatPorts(hosts?: ReadonlyMap<string, string>): Promise<Heartbeats> {
  const {RedisHeartbeats} = await import('../redis/heartbeat.js')
  return new RedisHeartbeats(hosts)
}

/** serve's HTTP(S) listener, as the command's flags configured it. */
export async function serveListener(options: ListenOptions): Promise<ServeListener> {
  const {HttpServeListener} = await import('../http/server.js')
  return new HttpServeListener(options)
}
