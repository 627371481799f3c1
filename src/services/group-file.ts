// Groups from a group file (--group-file), as targets to dial: the one way every command that watches or probes
// groups without Azure gets them (probe today, serve and watch next). Everything is read, checked and resolved before
// the first connection: a bad file, an unknown nickname, a missing environment variable or file is exit 2.
import {UsageError} from '../domain/errors.js'
import {fileGeoGroup, fileMemberId, GROUP_FILE_DOC, parseGroupFile, type FileGroupSpec, type FileMemberSpec, type GroupKind} from '../domain/group-file.js'
import type {GeoGroup} from '../domain/model.js'
import {matchGroups} from '../domain/resolve.js'
import type {GroupFiles, RedisTarget} from './ports.js'
import type {MemberTarget} from './targets.js'

/** One group of a group file, ready to dial. */
export interface FileGroupTargets {
  /** the group as the domain models it (members in file order, ids `group-file:<nickname>/<member>`) */
  group: GeoGroup
  kind: GroupKind
  /** active-passive: the primary's member id (lag is measured from it to each replica); null for active-active */
  primary: string | null
  /** one per member, in file order, credentials resolved (registered as secrets) */
  targets: MemberTarget[]
}

export interface GroupFileSelection {
  /** nicknames to keep (--group, repeatable for serve); none: every group of the file */
  groups?: string[]
  /** extra CA (PEM) trusted for every TLS member besides its own `ca`: --ca */
  caPem?: string
}

/**
 * The groups of the group file at `path` (the ones `selection.groups` names, else all), each with the target of
 * every member: the shape the probe dials (MemberTarget, RedisTarget). Throws a UsageError (exit 2) before any
 * connection when the file, a nickname or a reference is bad.
 */
export async function groupFileTargets(files: GroupFiles, path: string, selection: GroupFileSelection = {}): Promise<FileGroupTargets[]> {
  const spec = parseGroupFile(await files.read(path), path)
  const byKey = new Map(spec.groups.map((g) => [fileGeoGroup(g).key, g]))
  const geo = spec.groups.map(fileGeoGroup)
  const chosen = selection.groups?.length ? selection.groups.flatMap((nickname) => matchGroups({groups: geo, errors: []}, {group: nickname})) : geo
  const unique = [...new Map(chosen.map((g) => [g.key, g])).values()]
  return Promise.all(unique.map((group) => targetsOf(files, path, byKey.get(group.key)!, group, selection.caPem)))
}

async function targetsOf(files: GroupFiles, path: string, spec: FileGroupSpec, group: GeoGroup, extraCa: string | undefined): Promise<FileGroupTargets> {
  const targets = await Promise.all(
    spec.members.map(async (m, i): Promise<MemberTarget> => {
      const where = `groups.${spec.nickname}.members.${m.name}`
      return {member: group.members[i], target: await targetOf(files, path, spec.nickname, m, where, extraCa), authError: null, anonymous: false}
    }),
  )
  const primary = spec.members.find((m) => m.role === 'primary')
  return {group, kind: spec.kind, primary: primary ? fileMemberId(spec.nickname, primary.name) : null, targets}
}

async function targetOf(files: GroupFiles, path: string, nickname: string, m: FileMemberSpec, where: string, extraCa: string | undefined): Promise<RedisTarget> {
  const password = m.password ? await files.secret(m.password, path, `${where}.password`) : null
  if (m.username && !password) throw new UsageError(`the group file ${path}: ${where} has a username but no password`, `add password: {env: NAME} or {file: path}; ${GROUP_FILE_DOC}`, 'BadGroupFile')
  const ca = [m.ca ? await files.caPem(m.ca, path, `${where}.ca`) : undefined, extraCa].filter(Boolean).join('\n')
  return {
    id: fileMemberId(nickname, m.name),
    host: m.host,
    port: m.port,
    tls: m.tls,
    ...(m.tls && ca ? {ca} : {}),
    auth: password === null ? null : {...(m.username ? {username: m.username} : {}), password},
  }
}
