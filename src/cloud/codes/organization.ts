/** Organization (2021-03-31): the three reads the organization targets make. */
import { COMMON_CODES } from './common.js'
import type { CodeMeaning } from './meaning.js'

const READ_ORGANIZATION =
  'allow organization:DescribeOrganization, organization:DescribeOrganizationNodes and ' +
  'organization:DescribeOrganizationMembers in CAM for the credentials that read it, and read it as the ' +
  'management account: set {organizationRole} to a role there that the image account may assume.'

/** Organization (2021-03-31): the codes Tencent lists for the three reads, and the common ones. */
export const ORGANIZATION_CODES: Record<string, CodeMeaning> = {
  ...COMMON_CODES,
  InvalidAction: {
    kind: 'permanent',
    hint: "This site's Organization API does not offer the action."
  },
  'ResourceNotFound.OrganizationNotExist': {
    kind: 'permanent',
    hint:
      'The account whose credentials read the organization is in no organization: check that the image ' +
      'account is a member, or set {organizationRole} to a role in the management account.'
  },
  'ResourceNotFound.OrganizationNodeNotExist': {
    kind: 'permanent',
    hint: 'A unit is not in the organization: check the unit IDs (NodeId) in {units}.'
  },
  'ResourceNotFound.OrganizationServiceNotExist': {
    kind: 'permanent',
    hint: 'The organization has no such service set up: read it as the management account ({organizationRole}).'
  },
  'FailedOperation.OperateBillingPermissionErr': {
    kind: 'denied',
    hint: `The organization refused to show its members to these credentials: ${READ_ORGANIZATION}`
  },
  'AuthFailure.UnauthorizedOperation': {
    kind: 'denied',
    hint: `The credentials may not read the organization: ${READ_ORGANIZATION}`
  },
  UnauthorizedOperation: {
    kind: 'denied',
    hint: `The credentials may not read the organization: ${READ_ORGANIZATION}`
  }
}
