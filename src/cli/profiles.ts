// Named connection settings under $GEO_REDIS_HOME/profiles.json (mode 0600: a profile may hold a token).
import {existsSync, mkdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {UsageError} from '../domain/errors.js'
import {writeFileAtomicSync} from '../evidence/atomic.js'
import {MiB, readBoundedFileSync} from '../shared/bounded-read.js'

export interface Profile {
  armEndpoint?: string
  cloud?: string
  subscriptions?: string[]
  /** a ready ARM bearer token (the sandbox's); real identities use DefaultAzureCredential instead */
  accessToken?: string
  /** PEM file of a private CA to trust for ARM and Redis TLS */
  caPath?: string
}

export function geoRedisHome(): string {
  return process.env.GEO_REDIS_HOME || join(homedir(), '.geo-redis')
}

function profilesPath(): string {
  return join(geoRedisHome(), 'profiles.json')
}

export function readProfiles(): Record<string, Profile> {
  const path = profilesPath()
  if (!existsSync(path)) return {}
  try {
    // a regular file of sane size only: profiles.json may be a link, never a device or a pipe
    return (JSON.parse(readBoundedFileSync(path, {maxBytes: MiB}).toString('utf8')) as {profiles?: Record<string, Profile>}).profiles ?? {}
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`, 'fix or delete the file, then save your profiles again')
  }
}

export function readProfile(name: string): Profile {
  const profiles = readProfiles()
  const profile = profiles[name]
  if (!profile) {
    const known = Object.keys(profiles)
    throw new UsageError(
      `no profile named "${name}"`,
      known.length > 0
        ? `known profiles: ${known.join(', ')}`
        : name === 'sandbox'
          ? 'start the sandbox first: geo-redis sandbox up'
          : 'save one with: geo-redis profile set <name> --arm-endpoint <url> --subscription <id>',
    )
  }

  return profile
}

export function writeProfile(name: string, profile: Profile | null): void {
  const profiles = readProfiles()
  if (profile) profiles[name] = profile
  else delete profiles[name]
  mkdirSync(geoRedisHome(), {recursive: true})
  writeFileAtomicSync(profilesPath(), JSON.stringify({profiles}, null, 2) + '\n')
}
