// Named connection settings under $GEO_REDIS_HOME/profiles.json (mode 0600: a profile may hold a token).
// The file is checked against its schema (docs/schemas/profiles.schema.json) on every read and before every write:
// a hand-edited mistake is exit 2 naming the file and the field, never an internal error. Profiles live in an
// object without a prototype and are looked up as own properties, so `__proto__` or `constructor` name nothing.
import {existsSync, mkdirSync} from 'node:fs'
import {isIP} from 'node:net'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {CLOUD_NAMES} from '../domain/clouds.js'
import {UsageError} from '../domain/errors.js'
import {suggestCommand} from '../domain/suggest.js'
import {writeFileAtomicSync} from '../shared/atomic.js'
import {FileReadError, MiB, readBoundedFileSync} from '../shared/bounded-read.js'

export interface Profile {
  armEndpoint?: string
  cloud?: string
  subscriptions?: string[]
  /** a ready ARM bearer token (the sandbox's); real identities use DefaultAzureCredential instead */
  accessToken?: string
  /** PEM file of a private CA to trust for ARM and Redis TLS */
  caPath?: string
  /**
   * host name → IP address, dialled instead of asking DNS (like curl --resolve): the sandbox's members have names
   * under .test that no DNS knows; TLS still sends and verifies the name
   */
  hosts?: Record<string, string>
}

type Profiles = Record<string, Profile>

const PROFILE_NAME = /^[A-Za-z0-9._-]{1,64}$/
/** a profiles file is a few hundred bytes; anything this large is not one */
const MAX_FILE_BYTES = MiB

const FIELDS: Record<keyof Profile, 'string' | 'strings' | 'hosts'> = {
  armEndpoint: 'string',
  cloud: 'string',
  subscriptions: 'strings',
  accessToken: 'string',
  caPath: 'string',
  hosts: 'hosts',
}

/** A DNS host name (RFC 1123): dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

export function geoRedisHome(): string {
  return process.env.GEO_REDIS_HOME || join(homedir(), '.geo-redis')
}

function profilesPath(): string {
  return join(geoRedisHome(), 'profiles.json')
}

/** A profile name as typed: refused when it could never have been saved. */
export function checkProfileName(name: string, flag = '--profile'): void {
  if (name === '') throw new UsageError(`${flag} is empty`, `pass the name of a saved profile (see ${suggestCommand(['profile', 'list'])})`)
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`profile name ${JSON.stringify(name)} is not allowed`, 'use letters, digits, dot, dash or underscore (at most 64)')
  }
}

export function readProfiles(): Profiles {
  const path = profilesPath()
  if (!existsSync(path)) return emptyProfiles()
  const broken = (problem: string) =>
    new UsageError(`${path} ${problem}`, `fix it or delete the file: ${suggestCommand(['profile', 'set'])} and ${suggestCommand(['sandbox', 'up'])} save profiles again`, 'BadProfilesFile')
  let text: string
  try {
    // a regular file of sane size only: profiles.json may be a link, never a device or a pipe
    text = readBoundedFileSync(path, {maxBytes: MAX_FILE_BYTES}).toString('utf8')
  } catch (error) {
    throw broken(error instanceof FileReadError ? error.reason : `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw broken(`is not valid JSON (${(error as Error).message})`)
  }
  const problem = profilesProblem(data)
  if (problem) throw broken(`is not a valid profiles file: ${problem}`)
  const profiles = emptyProfiles()
  for (const [name, profile] of Object.entries((data as {profiles?: Profiles}).profiles ?? {})) profiles[name] = profile
  return profiles
}

export function readProfile(name: string): Profile {
  checkProfileName(name)
  const profiles = readProfiles()
  if (!Object.hasOwn(profiles, name)) {
    const known = Object.keys(profiles)
    throw new UsageError(
      `no profile named "${name}"`,
      known.length > 0
        ? `known profiles: ${known.join(', ')}`
        : name === 'sandbox'
          ? `start the sandbox first: ${suggestCommand(['sandbox', 'up'])}`
          : `save one with: ${suggestCommand(['profile', 'set', '<name>', '--arm-endpoint', '<url>', '--subscription', '<id>'])}`,
      'UnknownProfile',
    )
  }

  return profiles[name]
}

export function hasProfile(name: string): boolean {
  return Object.hasOwn(readProfiles(), name)
}

export function writeProfile(name: string, profile: Profile | null): void {
  checkProfileName(name, 'the profile name')
  const profiles = readProfiles()
  if (profile) profiles[name] = profile
  else delete profiles[name]
  // never write what the next read would refuse
  const problem = profilesProblem({profiles})
  if (problem) throw new UsageError(`profile ${name} cannot be saved: ${problem}`, `see ${suggestCommand(['profile', 'set', '--help'])}`)
  mkdirSync(geoRedisHome(), {recursive: true})
  writeFileAtomicSync(profilesPath(), JSON.stringify({profiles}, null, 2) + '\n')
}

function emptyProfiles(): Profiles {
  return Object.create(null) as Profiles
}

/** The first way `data` breaks docs/schemas/profiles.schema.json, as "field: problem"; null when it conforms. */
export function profilesProblem(data: unknown): string | null {
  if (!isObject(data)) return 'the top level must be an object {"profiles": {...}}'
  for (const key of Object.keys(data)) if (key !== 'profiles') return `unknown field ${JSON.stringify(key)} at the top level`
  if (data.profiles === undefined) return null
  if (!isObject(data.profiles)) return '"profiles" must be an object of named profiles'
  for (const [name, profile] of Object.entries(data.profiles)) {
    const at = `profiles[${JSON.stringify(name)}]`
    if (!PROFILE_NAME.test(name)) return `${at}: the name must be letters, digits, dot, dash or underscore (at most 64)`
    if (!isObject(profile)) return `${at} must be an object`
    for (const [field, value] of Object.entries(profile)) {
      const type = Object.hasOwn(FIELDS, field) ? FIELDS[field as keyof Profile] : undefined
      if (!type) return `${at}.${field} is not a known field (known: ${Object.keys(FIELDS).join(', ')})`
      if (type === 'string' && (typeof value !== 'string' || value === '')) return `${at}.${field} must be a non-empty string`
      if (type === 'strings' && !(Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== ''))) {
        return `${at}.${field} must be a list of non-empty strings`
      }
      if (type === 'hosts') {
        const problem = hostsProblem(value)
        if (problem) return `${at}.${field}${problem}`
      }
    }
    if (profile.cloud !== undefined && !CLOUD_NAMES.includes(profile.cloud as never)) {
      return `${at}.cloud must be one of ${CLOUD_NAMES.join(', ')}`
    }
  }

  return null
}

/** How a `hosts` map breaks the schema (appended to the field's path), or null. */
function hostsProblem(value: unknown): string | null {
  if (!isObject(value)) return ' must be an object of host name → IP address'
  for (const [name, address] of Object.entries(value)) {
    // an IP needs no entry, and a name that looks like one would never be looked up
    if (!HOST_NAME.test(name) || isIP(name) !== 0) return `: ${JSON.stringify(name)} is not a host name`
    if (typeof address !== 'string' || isIP(address) === 0) return `[${JSON.stringify(name)}] must be an IPv4 or IPv6 address`
  }
  return null
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Removes profile `name` only when it names this CA file (a profile of the user's own stays); true when removed. A
 * broken profiles file is left as it is: the commands that read it report it, and it must not stop a teardown.
 */
export function removeProfileNaming(name: string, caPath: string): boolean {
  let profiles: Profiles
  try {
    profiles = readProfiles()
  } catch {
    return false
  }
  if (!Object.hasOwn(profiles, name) || profiles[name].caPath !== caPath) return false
  writeProfile(name, null)
  return true
}
