// force-link: its guards (does the database belong, or is it adopted on purpose; do the survivors agree), its plan,
// and the check that it worked. Pure.
import {label} from '../group.js'
import {
  armGuard,
  groupShow,
  inFlightGuard,
  lists,
  names,
  othersArmGuard,
  probeCommand,
  report,
  targetGuard,
  type Check,
  type GuardReport,
  type Suggesting,
} from '../guards.js'
import {idKey} from '../ids.js'
import type {GeoGroup, Member} from '../model.js'
import {basePlan, command, find, planMember, type OperationPlan, type PlanInput, type Verification} from '../plans.js'
import {probeOf, type MemberProbe} from '../probe.js'
import {matchesMember} from '../resolve.js'
import {suggestCommand} from '../suggest.js'

export interface ForceLinkSituation extends Suggesting {
  group: GeoGroup
  memberQuery: string
  /** the database to rejoin; null when not found */
  joining: Member | null
  /** the members it rejoins */
  survivors: Member[]
  /** --adopt: the database named again, to force-link one that never belonged to the group */
  adopt: string | null
  /** null: probes skipped (--skip-probe) */
  probes: MemberProbe[] | null
  force: boolean
}

/** Why a database belongs to a group: its own view carries the group's nickname, or a member's view lists it. */
export function belonging(group: GeoGroup, db: Member): string | null {
  if (group.nickname && db.groupNickname?.toLowerCase() === group.nickname.toLowerCase()) return `its own view names group "${db.groupNickname}"`
  const listers = group.members.filter((m) => idKey(m.id) !== idKey(db.id) && lists(m, db.id))
  return listers.length > 0 ? `${names(listers)} ${listers.length > 1 ? 'list' : 'lists'} it` : null
}

/** "12 keys, 3.1 MB", from the probe; null when it did not answer INFO. */
function contents(p: MemberProbe | undefined): string | null {
  if (!p?.reachable || p.keys === null) return null
  const used = p.memory?.usedBytes ?? null
  return `${p.keys} key${p.keys === 1 ? '' : 's'}${used === null ? '' : `, ${(used / 1024 / 1024).toFixed(1)} MB used`}`
}

/** What a database that never belonged holds, in the words of the plan's warning: "N keys (M MB) will be deleted". */
function adoptionCost(p: MemberProbe | undefined): string {
  const held = contents(p)
  return held ? `${held}: ${p!.keys} key${p!.keys === 1 ? '' : 's'} will be deleted` : 'its key count is unknown (it did not answer the probe)'
}

/**
 * force-link takes back only what belonged: a database whose own view names the group, or that a member lists.
 * Anything else is adopted only with --adopt naming it again, and only once a probe has shown what it holds.
 */
function belongsGuard(s: ForceLinkSituation, joining: Member): Check {
  const name = 'joining-belongs-to-group'
  const why = belonging(s.group, joining)
  if (why) return {name, pass: true, detail: `${label(joining)} belonged to "${s.group.nickname}": ${why}`}
  const now = joining.groupNickname ? `its own view names group "${joining.groupNickname}"` : 'it is a standalone cache'
  const cost = adoptionCost(probeOf(s.probes, joining))
  if (s.adopt === null) {
    return {
      name,
      pass: false,
      detail: `${label(joining)} never belonged to "${s.group.nickname}" (${now}, and no member lists it)`,
      message: `${label(joining)} never belonged to group "${s.group.nickname}" (${now}, and no member lists it): force-link would recreate it and discard its data (${cost})`,
      remediation: `check --member: former members carry the group's nickname or are listed by a member (${groupShow(s)}); to adopt this database anyway, re-run with --adopt ${joining.cluster}`,
    }
  }
  if (!matchesMember(joining, s.adopt, false)) {
    return {
      name,
      pass: false,
      detail: `--adopt names "${s.adopt}", not ${joining.cluster}`,
      message: `--adopt names "${s.adopt}", but the database force-link would adopt is ${label(joining)}: adopting discards all of its data, so --adopt must name it again`,
      remediation: `pass --adopt ${joining.cluster} if ${label(joining)} is the database to adopt, or fix --member`,
    }
  }
  if (!contents(probeOf(s.probes, joining))) {
    return {
      name,
      pass: s.force,
      forced: s.force,
      detail: `adopting ${label(joining)}: ${cost}`,
      message: `adopting ${label(joining)} discards all of its data, and ${cost}`,
      remediation: `let it answer the probe (drop --skip-probe; the network path: ${probeCommand(s)}), or add --force to adopt it without knowing`,
    }
  }
  return {name, pass: true, detail: `adopting ${label(joining)} (--adopt): ${cost}`}
}

export function evaluateForceLink(s: ForceLinkSituation): GuardReport {
  const choices = s.group.members.map((m) => `${m.cluster} (${m.location})`).join(', ')
  const checks: Check[] = [targetGuard('member-in-group', s.group, s.memberQuery, s.joining, choices)]
  const {joining, survivors} = s
  if (!joining) return report(checks)
  checks.push(belongsGuard(s, joining))
  checks.push(inFlightGuard([...survivors, joining], s.force, s))

  checks.push(
    survivors.length > 0
      ? {name: 'survivor-available', pass: true, detail: `rejoins ${names(survivors)}`}
      : {
          name: 'survivor-available',
          pass: false,
          detail: 'no other readable member',
          message: `group "${s.group.nickname}" has no readable member besides ${label(joining)} to link to`,
          remediation: `check access to the other members with ${groupShow(s)}`,
        },
  )
  checks.push(armGuard('joining-healthy-in-arm', joining, 'the joining database'))

  checks.push(othersArmGuard('survivors-healthy-in-arm', survivors, s.force, 'linking to a member that is not running may fail half-way'))

  // the survivors must agree among themselves, or linkedDatabases would name a splintered side
  const disagree = survivors.flatMap((a) => survivors.filter((b) => a !== b && !lists(a, b.id)).map((b) => `${a.cluster} does not list ${b.cluster}`))
  checks.push(
    disagree.length === 0
      ? {name: 'survivors-agree', pass: true, detail: 'the remaining members all list each other'}
      : {
          name: 'survivors-agree',
          pass: false,
          detail: disagree.join('; '),
          message: `the remaining members of "${s.group.nickname}" do not agree who is linked (${disagree.join('; ')}), so it is unclear which side to rejoin`,
          remediation: `inspect with ${groupShow(s)}, and force-unlink stale members first`,
        },
  )
  return report(checks)
}

export interface ForceLinkPlanInput extends PlanInput {
  joining: Member | null
  /** the joining database is a member of the group (false: not, or not yet, one) */
  inGroup: boolean
  survivors: Member[]
}

/** Every survivor lists the joining database as Linked: it is already back in the group. */
export function alreadyLinked(joining: Member, survivors: Member[]): boolean {
  return survivors.length > 0 && survivors.every((s) => s.links.some((l) => idKey(l.id) === idKey(joining.id) && l.state === 'Linked'))
}

/** linkedDatabases as the spec example gives it: the joining database first, then the members it rejoins. */
function forceLinkIds(joining: Member, survivors: Member[]): string[] {
  return [joining.id, ...survivors.map((m) => m.id)]
}

export function forceLinkPlan(input: ForceLinkPlanInput): OperationPlan {
  const {joining, survivors, group} = input
  const base = basePlan('force-link', input, joining, joining ? input.inGroup : null)
  const nothingToDo = joining && alreadyLinked(joining, survivors) ? `every other member already lists ${label(joining)} as Linked` : null
  const answering = joining && probeOf(input.probes, joining)?.reachable
  const stranger = joining && !belonging(group, joining)
  const warnings = joining && !nothingToDo
    ? [
        ...(stranger ? [`ADOPTING ${label(joining)}, WHICH NEVER BELONGED TO "${group.nickname}": ${adoptionCost(probeOf(input.probes, joining))}`] : []),
        `ALL DATA IN ${label(joining)} IS DISCARDED: Azure recreates the database to rejoin "${group.nickname}", and it is unavailable for several minutes`,
        ...(answering ? [`${joining.cluster} answers clients now: writes it accepted since it was unlinked are lost`] : []),
        ...(group.unresolved.length > 0 ? [`${group.unresolved.length} linked database(s) could not be read and are not in linkedDatabases: ${group.unresolved.join(', ')}`] : []),
        ...base.warnings,
      ]
    : []
  return {
    ...base,
    warnings,
    issuedOn: joining && !nothingToDo ? planMember(joining) : null,
    ids: joining && !nothingToDo ? forceLinkIds(joining, survivors) : [],
    survivors: survivors.map(planMember),
    nothingToDo,
    steps:
      joining && !nothingToDo
        ? [
            `send POST forceLinkToReplicationGroup (api-version 2025-07-01) on ${label(joining)} with groupNickname "${group.nickname}" and linkedDatabases [${[joining, ...survivors].map((m) => m.cluster).join(', ')}]`,
            `Azure recreates ${joining.cluster}: its data is discarded and it rejoins the group`,
            'wait for the long-running operation to finish (Azure-AsyncOperation)',
            `read the group again and check that ${joining.cluster} and ${survivors.map((m) => m.cluster).join(', ')} list each other`,
          ]
        : [],
    command: command('force-link', input, [
      '--member',
      joining?.id ?? input.targetQuery,
      ...(input.adopt ? ['--adopt', input.adopt] : []),
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: joining ? [`check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`] : [],
  }
}

/** After a force-link: the joining database and every survivor list each other. */
export function verifyForceLink(plan: OperationPlan, after: Member[]): Verification {
  const target = plan.target!
  const joining = find(after, target.id)
  if (!joining) return {ok: false, detail: `${target.name} could not be read`}
  const states = new Set<string>()
  const problems = plan.survivors.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    const out: string[] = []
    for (const [viewer, seen] of [[m, joining], [joining, m]] as const) {
      const link = viewer.links.find((l) => idKey(l.id) === idKey(seen.id))
      if (!link || link.state === 'LinkFailed') out.push(`${viewer.cluster} ${link ? 'sees LinkFailed for' : 'does not list'} ${seen.cluster}`)
      else states.add(link.state)
    }
    return out
  })
  if (problems.length > 0) return {ok: false, detail: problems.join('; ')}
  const pending = [...states].filter((s) => s !== 'Linked')
  return {ok: true, detail: `${target.name} and ${plan.survivors.map((s) => s.name).join(', ')} list each other${pending.length > 0 ? ` (still ${pending.join(', ')})` : ''}`}
}
