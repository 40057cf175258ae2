/**
 * An organization's unit tree as read, and the proof that an account is
 * outside the selected units: a lookup by its ID, and the units read again.
 */
import { describeError } from '../../cloud/api-errors.js'
import type {
  OrganizationApi,
  OrganizationMember,
  OrganizationUnit
} from '../../cloud/organization.js'
import type { ProveUnlisted, Unproven } from './target-source.js'

/** Reading the organization failed, or it has not what the inputs ask: no share was changed. */
export class OrganizationError extends Error {
  override name = 'OrganizationError'
}

/** The units as read: which are wanted, and which are known all the way up to the root. */
export class UnitTree {
  private readonly parents: Map<string, string | undefined>
  private readonly names: Map<string, string>

  constructor(
    units: readonly OrganizationUnit[],
    private readonly rootUnitId: string,
    /** undefined: every member is wanted ("all"). */
    private readonly wantedUnits: ReadonlySet<string> | undefined
  ) {
    this.parents = new Map(units.map((unit) => [unit.id, unit.parentId]))
    this.names = new Map(units.map((unit) => [unit.id, unit.name]))
  }

  /** "all": every member is wanted. */
  get all(): boolean {
    return !this.wantedUnits
  }

  /** Whether a member of the unit is wanted; every member is with "all". */
  wants(unitId: string): boolean {
    return !this.wantedUnits || this.wantedUnits.has(unitId)
  }

  /** Whether the unit and every unit above it were in the units read. */
  places(unitId: string): boolean {
    const seen = new Set<string>()
    for (let id: string | undefined = unitId; id !== this.rootUnitId; id = this.parents.get(id)) {
      if (id === undefined || !this.parents.has(id) || seen.has(id)) return false
      seen.add(id)
    }
    return true
  }

  /** The unit's ID and name: the units read name it, else the member's own NodeName does. */
  describe(member: OrganizationMember): string {
    const name = this.names.get(member.unitId) || member.unitName
    return `unit ${member.unitId}${name ? ` (${name})` : ''}`
  }
}

/**
 * Looks each account up by its ID (DescribeOrganizationMembers' SearchKey,
 * compared exactly): proven outside when the search finds no such member, or
 * finds it in a unit outside the selection, by the units read and by a fresh
 * read of them (a unit may have moved under a wanted one since). Anything
 * else keeps the share: found in a wanted unit (the first read missed it), in
 * a unit the read does not place, or a lookup that failed. Each account is
 * looked up once a run; the units are read again at most once.
 */
export function outsideProver(
  api: OrganizationApi,
  tree: UnitTree,
  freshTree: () => Promise<UnitTree>
): ProveUnlisted {
  let fresh: Promise<UnitTree> | undefined
  const looked = new Map<string, Promise<Unproven | undefined>>()
  const member = (why: string): Unproven => ({ why, unchecked: false })
  const unchecked = (what: string, error: unknown): Unproven => ({
    why: `${what} failed: ${describeError(error)}`,
    unchecked: true
  })
  /** Why a member of this unit keeps the share, by a tree; undefined when the tree places it outside. */
  const inside = (
    units: UnitTree,
    found: OrganizationMember,
    again: boolean
  ): Unproven | undefined => {
    const { unitId } = found
    if (units.wants(unitId)) {
      const where = units.all ? 'the organization' : '"organization-units"'
      return member(
        again
          ? `a member of ${units.describe(found)}, which is now in ${where}: the units changed since they were read`
          : `still a member of ${units.describe(found)}, in ${where}; the first read missed it`
      )
    }
    if (!units.places(unitId)) {
      return member(
        `a member of ${units.describe(found)}, which the units ${again ? 'read again' : 'read'} do not place: ` +
          'it may be under one in "organization-units"'
      )
    }
    return undefined
  }
  const whyKept = async (accountId: string): Promise<Unproven | undefined> => {
    let found: OrganizationMember | undefined
    try {
      found = (await api.searchMembers(accountId)).find((m) => m.accountId === accountId)
    } catch (error) {
      return unchecked('looking it up in the organization', error)
    }
    if (!found) return undefined
    const first = inside(tree, found, false)
    if (first) return first
    try {
      return inside(await (fresh ??= freshTree()), found, true)
    } catch (error) {
      return unchecked('reading the units again', error)
    }
  }
  return async (accountIds) => {
    const reasons = await Promise.all(
      accountIds.map((accountId) => {
        let why = looked.get(accountId)
        if (!why) looked.set(accountId, (why = whyKept(accountId)))
        return why
      })
    )
    return new Map(
      accountIds.flatMap((accountId, i) => (reasons[i] ? [[accountId, reasons[i]] as const] : []))
    )
  }
}

/**
 * The asked-for units and every unit under them. A unit that is not in the
 * tree is an input error, named with the units there are.
 */
export function subtreeOf(
  asked: readonly string[],
  units: readonly OrganizationUnit[],
  rootUnitId: string
): Set<string> {
  const children = new Map<string, string[]>()
  for (const unit of units) {
    // The root's parent is not a unit; any other parent is.
    if (unit.id === rootUnitId || unit.parentId === undefined) continue
    children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit.id])
  }
  const known = new Set([rootUnitId, ...units.map((u) => u.id)])
  const missing = asked.filter((id) => !known.has(id))
  if (missing.length > 0) {
    const listed = units
      .slice(0, 20)
      .map((u) => `${u.id} (${u.name})`)
      .join(', ')
    throw new OrganizationError(
      `Input "organization-units" names ${missing.length === 1 ? 'a unit' : 'units'} not in the organization: ` +
        `${missing.join(', ')}. Its units are ${listed}${units.length > 20 ? ', …' : ''}; or give "all".`
    )
  }
  const wanted = new Set<string>()
  const stack = [...asked]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (wanted.has(id)) continue
    wanted.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return wanted
}
