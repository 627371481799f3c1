// Resolves ARM connection settings: flag, then environment, then profile, then default. Validates before any
// network call so bad input fails fast with exit 2.
import {Flags} from '@oclif/core'
import {CLOUD_NAMES, CLOUDS, type CloudName} from '../domain/clouds.js'
import {UsageError} from '../domain/errors.js'
import {isSubscriptionId} from '../domain/ids.js'
import {suggestCommand} from '../domain/suggest.js'
import {resolve} from 'node:path'
import {readCaFile} from './ca-file.js'
import {checkProfileName, readProfile, readProfiles, writeProfile, type Profile} from './profiles.js'

/** The longest wait any flag or variable may ask for: 10 minutes, well within what a Node timer holds (2^31-1 ms). */
export const MAX_WAIT_MS = 600_000

export const armFlags = {
  profile: Flags.string({description: 'named settings to use (env GEO_REDIS_PROFILE); `geo-redis sandbox up` saves "sandbox"', helpGroup: 'AZURE'}),
  subscription: Flags.string({
    description: 'subscription id to read (repeatable; env AZURE_SUBSCRIPTION_ID); default: every subscription you can list',
    multiple: true,
    helpGroup: 'AZURE',
  }),
  'arm-endpoint': Flags.string({description: 'Azure Resource Manager URL (env GEO_REDIS_ARM_ENDPOINT); default: the cloud\'s', helpGroup: 'AZURE'}),
  cloud: Flags.string({description: 'sovereign cloud: endpoints and token audience', options: CLOUD_NAMES, helpGroup: 'AZURE'}),
  concurrency: Flags.integer({description: 'ARM requests in flight at most', default: 16, min: 1, max: 64, helpGroup: 'AZURE'}),
}

export interface ArmFlagValues {
  profile?: string
  subscription?: string[]
  'arm-endpoint'?: string
  cloud?: string
  concurrency: number
}

export interface ResolvedArmSettings {
  cloud: CloudName
  armEndpoint: string
  accessToken?: string
  /** a ready Microsoft Entra token for Redis (GEO_REDIS_REDIS_TOKEN); the ARM token is never used for Redis */
  redisToken?: string
  caPem?: string
  /** the profile's host name → address map (lower-case names), dialled instead of DNS; absent: DNS for every name */
  hosts?: ReadonlyMap<string, string>
  /** empty: list every subscription the identity can see */
  subscriptions: string[]
  concurrency: number
  requestTimeoutMs: number
  pollIntervalMs: number
  firstTokenTimeoutMs: number
}

/** A wait in milliseconds from the environment: unset or empty is the default, anything but 1..MAX_WAIT_MS is refused. */
function waitFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_WAIT_MS) {
    throw new UsageError(`${name}=${JSON.stringify(text)} is not a wait in milliseconds`, `set it to a whole number from 1 to ${MAX_WAIT_MS}, or unset it (default ${fallback})`)
  }
  return Number(text)
}

export function resolveArmSettings(flags: ArmFlagValues, env = process.env): ResolvedArmSettings {
  // an empty --profile is a mistake; an empty GEO_REDIS_PROFILE is the usual way to unset it
  const profileName = flags.profile ?? (env.GEO_REDIS_PROFILE || undefined)
  const profile = profileName === undefined ? {} : readProfile(profileName)

  const cloudName = flags.cloud ?? profile.cloud ?? 'AzureCloud'
  if (!CLOUD_NAMES.includes(cloudName as CloudName)) {
    throw new UsageError(`unknown cloud "${cloudName}"`, `use one of: ${CLOUD_NAMES.join(', ')}`)
  }

  const cloud = cloudName as CloudName
  const armEndpoint = (flags['arm-endpoint'] ?? env.GEO_REDIS_ARM_ENDPOINT ?? profile.armEndpoint ?? CLOUDS[cloud].armEndpoint).replace(/\/+$/, '')
  let url: URL
  try {
    url = new URL(armEndpoint)
  } catch {
    throw new UsageError(`--arm-endpoint "${armEndpoint}" is not a URL`, 'pass an https URL such as https://management.azure.com')
  }

  if (url.protocol !== 'https:') throw new UsageError(`--arm-endpoint must use https, got ${url.protocol}`, 'ARM is only spoken over TLS')
  // never echoed: the value itself holds the password
  if (url.username || url.password) {
    throw new UsageError('--arm-endpoint must not carry a user name or password before its host', 'pass the bare URL, such as https://management.azure.com; ARM takes a bearer token, never a password in the URL')
  }

  const subscriptions = flags.subscription ?? (env.AZURE_SUBSCRIPTION_ID ? [env.AZURE_SUBSCRIPTION_ID] : profile.subscriptions ?? [])
  const malformed = subscriptions.filter((s) => !isSubscriptionId(s))
  if (malformed.length > 0) {
    throw new UsageError(
      `malformed subscription id: ${malformed.join(', ')}`,
      'a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000 (see `az account list -o table`)',
    )
  }

  const caPem = profile.caPath ? readCaFile(profile.caPath, `the CA file of profile "${profileName}"`, `run ${suggestCommand(['sandbox', 'up'])} again, or fix it: ${suggestCommand(['profile', 'set', profileName ?? '<name>', '--ca-path', '<pem>'])}`) : undefined

  return {
    cloud,
    armEndpoint,
    accessToken: env.GEO_REDIS_ACCESS_TOKEN || profile.accessToken,
    redisToken: env.GEO_REDIS_REDIS_TOKEN || undefined,
    caPem,
    ...(profile.hosts ? {hosts: new Map(Object.entries(profile.hosts).map(([name, address]) => [name.toLowerCase(), address]))} : {}),
    subscriptions: [...new Set(subscriptions.map((s) => s.toLowerCase()))],
    concurrency: flags.concurrency,
    requestTimeoutMs: waitFromEnv(env, 'GEO_REDIS_ARM_TIMEOUT_MS', 30_000),
    pollIntervalMs: waitFromEnv(env, 'GEO_REDIS_POLL_INTERVAL_MS', 2000),
    firstTokenTimeoutMs: waitFromEnv(env, 'GEO_REDIS_TOKEN_TIMEOUT_MS', 20_000),
  }
}

/** The ARM selection flags as the operator typed them, to repeat in commands we suggest (env vars carry over by themselves). */
export function connectionArgs(flags: ArmFlagValues): string[] {
  return [
    ...(flags.profile ? ['--profile', flags.profile] : []),
    ...(flags.subscription ?? []).flatMap((s) => ['--subscription', s]),
    ...(flags['arm-endpoint'] ? ['--arm-endpoint', flags['arm-endpoint']] : []),
    ...(flags.cloud ? ['--cloud', flags.cloud] : []),
  ]
}

/**
 * `profile set`: the given settings merged into the named profile, checked as every command would resolve them (the
 * endpoint, cloud, subscription ids and CA file) before anything is saved. Returns the profile saved.
 */
export function saveProfile(name: string, changes: Pick<Profile, 'armEndpoint' | 'cloud' | 'subscriptions' | 'caPath'>): Profile {
  checkProfileName(name, 'the profile name')
  const profiles = readProfiles()
  const profile: Profile = {
    ...(Object.hasOwn(profiles, name) ? profiles[name] : {}),
    ...(changes.armEndpoint === undefined ? {} : {armEndpoint: changes.armEndpoint}),
    ...(changes.cloud === undefined ? {} : {cloud: changes.cloud}),
    ...(changes.subscriptions === undefined ? {} : {subscriptions: changes.subscriptions}),
    // absolute: the profile is used from other folders
    ...(changes.caPath === undefined ? {} : {caPath: resolve(changes.caPath)}),
  }
  resolveArmSettings({concurrency: 1, 'arm-endpoint': profile.armEndpoint, cloud: profile.cloud, subscription: profile.subscriptions}, {})
  if (profile.caPath) readCaFile(profile.caPath, '--ca-path', 'pass the PEM file of the private CA (a -----BEGIN CERTIFICATE----- block)')
  writeProfile(name, profile)
  return profile
}
