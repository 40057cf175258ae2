/**
 * The Tencent Cloud Organization API (2021-03-31), read only: the
 * organization, its units and its members. Answers are read member by member
 * against Tencent's spec; one that does not fit is no answer (retried).
 */
import { TransportError } from './api-errors.js'
import { isAccountId } from '../common/ids.js'
import type { Caller } from './retry.js'
import type { ApiResponse } from './api-transport.js'
import { readAllPages, type Page } from './pages.js'
import { OUTSIDE_TEXT_LIMIT, bounded, neutralize } from '../common/untrusted.js'

export interface Organization {
  /** The unit at the top of the tree (NodeId), as digits. */
  rootUnitId: string
  /** Whether the reading credentials are the management account's. */
  isManager: boolean
  /** The management account (HostUin), when the answer names one of the form of an account ID. */
  managementAccount?: string
}

export interface OrganizationUnit {
  /** NodeId, as digits. */
  id: string
  /** undefined for the root unit (the spec gives no parent for it, or 0). */
  parentId: string | undefined
  /** Safe to print. */
  name: string
}

export interface OrganizationMember {
  /** MemberUin: a number in the answer, an account ID here. */
  accountId: string
  /** The unit the member is in (NodeId), as digits. */
  unitId: string
  /** The unit's name (NodeName); safe to print. */
  unitName: string
}

export interface OrganizationApi {
  describeOrganization(): Promise<Organization>
  /** Every unit, all pages read. */
  listUnits(): Promise<OrganizationUnit[]>
  /** Every member, all pages read, each once. */
  listMembers(): Promise<OrganizationMember[]>
  /**
   * The members a search by name or ID finds (SearchKey; not documented as
   * exact, so the caller compares), all pages read, each once.
   */
  searchMembers(key: string): Promise<OrganizationMember[]>
}

/** DescribeOrganizationNodes and DescribeOrganizationMembers give at most 50 a page; Offset is a multiple of Limit. */
export const ORGANIZATION_PAGE = 50

export function createOrganizationApi(caller: Caller): OrganizationApi {
  /**
   * Every page, each item once, agreeing with the total; a list that moved
   * while it was read is read again (a member missed on a shifted page would
   * lose the share with revoke-unlisted).
   */
  const readAll = <T>(
    action: string,
    read: (response: ApiResponse) => Page<T>,
    key: (item: T) => string,
    params: object = {}
  ): Promise<T[]> =>
    readAllPages(
      action,
      ORGANIZATION_PAGE,
      (offset) =>
        caller.call(action, { ...params, Offset: offset, Limit: ORGANIZATION_PAGE }, { read }),
      key
    )
  const memberKey = (member: OrganizationMember) => member.accountId

  return {
    describeOrganization: () => caller.call('DescribeOrganization', {}, { read: readOrganization }),
    listUnits: () => readAll('DescribeOrganizationNodes', readUnitPage, (unit) => unit.id),
    listMembers: () => readAll('DescribeOrganizationMembers', readMemberPage, memberKey),
    searchMembers: (key) =>
      readAll('DescribeOrganizationMembers', readMemberPage, memberKey, { SearchKey: key })
  }
}

/** A NodeId or a parent's: a whole number, as digits. */
function unitIdOf(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? String(value) : undefined
}

const printable = (value: unknown): string =>
  typeof value === 'string' ? neutralize(bounded(value, OUTSIDE_TEXT_LIMIT.name)) : ''

function readOrganization(response: ApiResponse): Organization {
  const rootUnitId = unitIdOf(response.RootNodeId)
  if (!rootUnitId || typeof response.IsManager !== 'boolean') {
    throw new TransportError('DescribeOrganization', 'an answer without RootNodeId and IsManager')
  }
  const host = Number.isSafeInteger(response.HostUin) ? String(response.HostUin) : undefined
  return {
    rootUnitId,
    isManager: response.IsManager,
    managementAccount: host && isAccountId(host) ? host : undefined
  }
}

function readPage<T>(
  action: string,
  response: ApiResponse,
  readItem: (item: Record<string, unknown>) => T | undefined
): Page<T> {
  const { Total: total, Items: items } = response
  if (!Number.isSafeInteger(total) || (total as number) < 0 || !Array.isArray(items)) {
    throw new TransportError(action, 'an answer without Total and Items')
  }
  const read = items.map((item: unknown) =>
    typeof item === 'object' && item !== null
      ? readItem(item as Record<string, unknown>)
      : undefined
  )
  if (read.some((item) => item === undefined)) {
    throw new TransportError(action, 'an item of the answer is not of the form the spec gives')
  }
  return { total: total as number, items: read as T[] }
}

function readUnitPage(response: ApiResponse): Page<OrganizationUnit> {
  return readPage('DescribeOrganizationNodes', response, (item) => {
    const id = unitIdOf(item.NodeId)
    if (!id) return undefined
    const parent = unitIdOf(item.ParentNodeId)
    return { id, parentId: parent === '0' ? undefined : parent, name: printable(item.Name) }
  })
}

function readMemberPage(response: ApiResponse): Page<OrganizationMember> {
  return readPage('DescribeOrganizationMembers', response, (item) => {
    // A number in the answer: one past 2^53 would already have lost digits in JSON.parse.
    const uin = item.MemberUin
    const accountId = Number.isSafeInteger(uin) ? String(uin) : undefined
    const unitId = unitIdOf(item.NodeId)
    if (!accountId || !isAccountId(accountId) || !unitId) return undefined
    return { accountId, unitId, unitName: printable(item.NodeName) }
  })
}
