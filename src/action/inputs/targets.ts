/**
 * Who should have the share: account-ids and account-ids-file (listed),
 * organization-units (members), revoke-account-ids and revoke-unlisted.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ShowAccount } from '../../common/ids.js'
import type { UnitSelection } from '../../sharing/targets/organization.js'
import { listItems, parseAccountIds, parseBoolean } from './parse.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

export interface TargetSettings {
  /** account-ids and account-ids-file, the union: the accounts listed. */
  listed: string[]
  /** revoke-account-ids. */
  revoke: string[]
  /** Take the share from every account not listed (nor a member). */
  revokeUnlisted: boolean
  /** organization-units: absent when not given. */
  organizationUnits?: UnitSelection
}

export function readTargets(inputs: Inputs, show: ShowAccount): TargetSettings {
  const organizationUnits = readOrganizationUnits(inputs)
  const fromFile = readAccountFile(inputs)
  const shareList = inputs.given(INPUT.accountIds)
  const revokeList = inputs.given(INPUT.revokeAccountIds)
  const revokeUnlisted = parseBoolean(inputs.value(INPUT.revokeUnlisted), INPUT.revokeUnlisted)
  const withOrganization = organizationUnits !== undefined
  const [accountIds, file, revoke, units] = [
    INPUT.accountIds,
    INPUT.accountIdsFile,
    INPUT.revokeAccountIds,
    INPUT.organizationUnits
  ].map(named)
  if (revokeUnlisted && !shareList && !fromFile && !withOrganization) {
    throw new InputError(
      `Input ${named(INPUT.revokeUnlisted)} is true but ${accountIds} (and ${file}) give no accounts: that would ` +
        `take the share from every account. List the accounts that keep it in ${accountIds}, set ` +
        `${units}, or use ${revoke}.`
    )
  }
  if (!shareList && !fromFile && !revokeList && !withOrganization) {
    throw new InputError(
      `Input ${accountIds} is required: give the accounts to share with, ` +
        `${revoke} to take the share from accounts, or both; or ${units} to share ` +
        'with members of the organization.'
    )
  }
  // Both may be given: the union, each checked under its own name.
  const listed = [
    ...new Set([
      ...(shareList ? parseAccountIds(shareList, INPUT.accountIds, show) : []),
      ...(fromFile ? parseAccountIds(fromFile, INPUT.accountIdsFile, show) : [])
    ])
  ]
  const revoked = revokeList ? parseAccountIds(revokeList, INPUT.revokeAccountIds, show) : []
  const both = listed.filter((id) => revoked.includes(id))
  if (both.length > 0) {
    throw new InputError(
      `Account ${both.map(show).join(', ')} is in both ${accountIds} and ${revoke}: ` +
        'an account can get the share or lose it, not both.'
    )
  }
  return { listed, revoke: revoked, revokeUnlisted, organizationUnits }
}

/**
 * account-ids-file: a file in the workspace in the list format of
 * account-ids, read as if given there; it keeps the IDs out of the step's
 * header, which the runner prints with the inputs resolved.
 */
function readAccountFile(inputs: Inputs): string {
  const path = inputs.given(INPUT.accountIdsFile)
  if (!path) return ''
  const full = resolve(inputs.variable('GITHUB_WORKSPACE') || process.cwd(), path)
  try {
    return readFileSync(full, 'utf8')
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no such file'
        : (error as Error).message
    throw new InputError(
      `Input ${named(INPUT.accountIdsFile)} names ${path}, which cannot be read: ${why} ` +
        '(the path is relative to the workspace, where actions/checkout puts the repository).'
    )
  }
}

/** A unit ID (NodeId): a positive whole number. */
const UNIT_ID = /^[1-9][0-9]{0,18}$/

/** organization-units: "all", or unit IDs (NodeIds) in the list format of account-ids. */
function readOrganizationUnits(inputs: Inputs): UnitSelection | undefined {
  const value = inputs.given(INPUT.organizationUnits)
  if (!value) return undefined
  const units = named(INPUT.organizationUnits)
  const items = listItems(value, INPUT.organizationUnits)
  if (items.length === 1 && items[0].toLowerCase() === 'all') return 'all'
  if (items.some((item) => item.toLowerCase() === 'all')) {
    throw new InputError(
      `Input ${units} is "${value}": "all" means every member, so give it alone, or only unit IDs.`
    )
  }
  if (items.length === 0) {
    throw new InputError(
      `Input ${units} has no unit IDs in it: "${value}". Give "all", or unit IDs.`
    )
  }
  const invalid = items.filter((item) => !UNIT_ID.test(item))
  if (invalid.length > 0) {
    throw new InputError(
      `Input ${units} has ${invalid.length === 1 ? 'a value that is not a unit ID' : 'values that are not unit IDs'}: ` +
        `${invalid.map((item) => `"${item}"`).join(', ')}. Give "all", or the IDs (NodeId, digits) of ` +
        'organization units, as Organization > Members shows them or tccli organization DescribeOrganizationNodes --Limit 50 --Offset 0 lists them.'
    )
  }
  return items
}
