/**
 * The Organization side of the emulator (version 2021-03-31): one
 * organization, its units in a tree and its members, read with
 * DescribeOrganization, DescribeOrganizationNodes and
 * DescribeOrganizationMembers, paged as the spec says (Limit at most 50 and
 * required, Offset a multiple of Limit).
 *
 * Where the spec is silent it plays the least convenient reading:
 * - only the management account may list units and members; a member sees
 *   DescribeOrganization (IsManager false) and is refused the lists, an
 *   account outside the organization gets OrganizationNotExist everywhere;
 * - the NodeId filter of DescribeOrganizationMembers gives the unit's own
 *   members only, no sub-unit's;
 * - DescribeOrganizationNodes lists the root unit too, with ParentNodeId 0;
 * - SearchKey ("search by member name or member ID") matches any part of
 *   either, so a search by one ID can find others too.
 */

/** An error answer: the code and message the API gives. */
export class OrganizationFailure extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export interface OrganizationUnitSpec {
  id: number
  name: string
  /** The parent unit; the root unit when absent. */
  parent?: number
}

export interface OrganizationMemberSpec {
  uin: string
  /** The unit the member is in; the root unit when absent. */
  unit?: number
  name?: string
}

type Params = Record<string, unknown>

const PAGE_LIMIT = 50
const TIME = '2026-01-05 10:00:00'

export class OrganizationEmulator {
  readonly rootNodeId: number
  private readonly units = new Map<number, { name: string; parent: number }>()
  private readonly members = new Map<string, { unit: number; name: string }>()

  constructor(
    /** The account that manages the organization; a member in the root unit. */
    readonly managementUin: string,
    options: { rootNodeId?: number; name?: string } = {}
  ) {
    this.rootNodeId = options.rootNodeId ?? 100001
    this.units.set(this.rootNodeId, { name: options.name ?? 'root', parent: 0 })
    this.members.set(managementUin, { unit: this.rootNodeId, name: 'management' })
  }

  addUnits(...units: OrganizationUnitSpec[]): this {
    for (const unit of units) {
      const parent = unit.parent ?? this.rootNodeId
      if (!this.units.has(parent)) throw new Error(`The emulator has no unit ${parent}.`)
      this.units.set(unit.id, { name: unit.name, parent })
    }
    return this
  }

  /** Adds members, or moves ones already there to their new unit. */
  addMembers(...members: OrganizationMemberSpec[]): this {
    for (const member of members) {
      const unit = member.unit ?? this.rootNodeId
      if (!this.units.has(unit)) throw new Error(`The emulator has no unit ${unit}.`)
      this.members.set(member.uin, { unit, name: member.name ?? `member ${member.uin}` })
    }
    return this
  }

  /** Removes a unit (its members stay, as the tests that use it need no more). */
  removeUnit(id: number): this {
    this.units.delete(id)
    return this
  }

  removeMembers(...uins: string[]): this {
    for (const uin of uins) this.members.delete(uin)
    return this
  }

  get memberUins(): string[] {
    return [...this.members.keys()]
  }

  /** The members of a unit and every unit under it: the truth a test checks the action against. */
  membersUnder(unitId: number): string[] {
    const under = (unit: number): boolean =>
      unit === unitId ||
      (unit !== this.rootNodeId && unit !== 0 && under(this.units.get(unit)!.parent))
    return [...this.members].filter(([, m]) => under(m.unit)).map(([uin]) => uin)
  }

  get unitCount(): number {
    return this.units.size
  }

  answer(action: string, params: Params, caller: string): Params {
    if (!this.members.has(caller)) {
      throw new OrganizationFailure(
        'ResourceNotFound.OrganizationNotExist',
        'The organization does not exist.'
      )
    }
    if (action === 'DescribeOrganization') return this.describe(caller)
    if (caller !== this.managementUin) {
      throw new OrganizationFailure(
        'AuthFailure.UnauthorizedOperation',
        `Only the management account may call ${action}.`
      )
    }
    const { offset, limit } = paging(params)
    if (action === 'DescribeOrganizationNodes') {
      const all = [...this.units].map(([id, unit]) => ({
        NodeId: id,
        Name: unit.name,
        ParentNodeId: unit.parent,
        Remark: '',
        CreateTime: TIME,
        UpdateTime: TIME,
        Tags: []
      }))
      return { Total: all.length, Items: all.slice(offset, offset + limit) }
    }
    let listed = [...this.members]
    if (params.NodeId !== undefined) {
      if (!this.units.has(params.NodeId as number)) {
        throw new OrganizationFailure(
          'ResourceNotFound.OrganizationNodeNotExist',
          `The unit ${JSON.stringify(params.NodeId)} does not exist.`
        )
      }
      listed = listed.filter(([, m]) => m.unit === params.NodeId)
    }
    if (typeof params.SearchKey === 'string' && params.SearchKey !== '') {
      const key = params.SearchKey
      listed = listed.filter(([uin, m]) => uin.includes(key) || m.name.includes(key))
    }
    const items = listed.map(([uin, m]) => ({
      MemberUin: Number(uin),
      Name: m.name,
      MemberType: 'Invite',
      OrgPolicyType: 'Financial',
      OrgPolicyName: 'Finance',
      OrgPermission: [],
      NodeId: m.unit,
      NodeName: this.units.get(m.unit)!.name,
      Remark: '',
      CreateTime: TIME,
      UpdateTime: TIME,
      IsAllowQuit: 'Allow',
      PayUin: '',
      PayName: '',
      OrgIdentity: [],
      BindStatus: 'Success',
      PermissionStatus: 'Confirmed',
      Tags: [],
      NickName: m.name
    }))
    return { Total: items.length, Items: items.slice(offset, offset + limit) }
  }

  private describe(caller: string): Params {
    return {
      OrgId: 42,
      HostUin: Number(this.managementUin),
      NickName: 'management',
      OrgType: 1,
      IsManager: caller === this.managementUin,
      OrgPolicyType: 'Financial',
      OrgPolicyName: 'Finance',
      OrgPermission: [],
      RootNodeId: this.rootNodeId,
      CreateTime: TIME,
      JoinTime: TIME,
      IsAllowQuit: 'Allow',
      PayUin: '',
      PayName: '',
      IsAssignManager: false,
      IsAuthManager: false
    }
  }
}

/** Limit is required and at most 50 (the spec checks both); Offset must be a multiple of it. */
function paging(params: Params): { offset: number; limit: number } {
  const offset = params.Offset as number
  const limit = params.Limit as number
  if (limit < 1 || limit > PAGE_LIMIT) {
    throw new OrganizationFailure('InvalidParameter', `Limit must be from 1 to ${PAGE_LIMIT}.`)
  }
  if (offset % limit !== 0) {
    throw new OrganizationFailure('InvalidParameter', 'Offset must be a multiple of Limit.')
  }
  return { offset, limit }
}
