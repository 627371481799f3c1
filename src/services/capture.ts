// `geo-redis evidence capture`: the same bundle as a guarded operation's, without one: the group's state (and
// probes) for a release pipeline. Nothing is changed.
import {allMembers} from '../domain/group.js'
import type {MemberProbe} from '../domain/probe.js'
import {oneGroup} from '../domain/resolve.js'
import {suggestCommand} from '../domain/suggest.js'
import type {ManifestEntry} from '../evidence/index.js'
import {DecisionEvidence, type EvidenceSettings, type EvidenceSubject} from './guarded/decision-evidence.js'
import {statesOf, type SubjectSelection} from './guarded/prepare.js'
import {readInventory} from './inventory.js'
import type {ProbingPorts, ProgressReporter} from './ports.js'
import {probeSummary, type ProbeSettings} from './probe.js'

interface CaptureOptions extends SubjectSelection {
  /** null: no data-plane probe */
  probe: ProbeSettings | null
  evidence: EvidenceSettings
  onProgress?: ProgressReporter
}

export interface CaptureResult {
  action: 'capture'
  outcome: 'succeeded'
  capturedAt: string
  /** `members`: every member, readable or not; `unread`: how many of them ARM could not read */
  group: {nickname: string; key: string; status: string; problems: string[]; members: number; unread: number}
  probe: {ran: boolean; members: MemberProbe[]}
  /** digest: SHA-256 of manifest.json, to keep with the release record */
  evidence: {dir: string; complete: boolean; digest: string; files: ManifestEntry[]}
}

export async function captureEvidence(ports: ProbingPorts, options: CaptureOptions): Promise<CaptureResult> {
  const startedAt = (options.evidence.now?.() ?? new Date()).toISOString()
  options.onProgress?.(`reading group ${options.group}`, 'status')
  const inventory = await readInventory(ports.arm, {subscriptions: options.subscriptions})
  // a capture names exactly what it records: an unknown --member is bad input, as it is for probe
  const group = oneGroup(inventory, {group: options.group, resourceGroup: options.resourceGroup, member: options.member})
  const all = allMembers(group)
  if (options.probe) options.onProgress?.(`probing ${all.length} members`, 'status')
  const probe = await probeSummary(ports, group, all, options.probe, 'not requested (pass --probe)')
  const subject: EvidenceSubject = {action: 'capture', startedAt, group, before: statesOf(inventory, group), plan: null, guards: null, probe}
  const evidence = await DecisionEvidence.open(ports.arm, subject, options.evidence)
  const unread = group.unreadable.length > 0 ? `, ${group.unreadable.length} of them not read` : ''
  await evidence.report({
    outcome: 'succeeded',
    decision: `captured the state of group "${group.nickname}" (${all.length} members${unread}, ${group.status}); nothing was changed`,
    nextSteps: [`verify the bundle: ${suggestCommand(['evidence', 'verify', evidence.dir])}`],
  })
  return {
    action: 'capture',
    outcome: 'succeeded',
    capturedAt: startedAt,
    group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems, members: all.length, unread: group.unreadable.length},
    probe: {ran: probe.ran, members: probe.members},
    evidence: {dir: evidence.dir, complete: true, digest: evidence.digest(), files: evidence.files()},
  }
}
