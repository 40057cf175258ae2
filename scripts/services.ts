/** Tencent's services and actions this project calls (or its emulator answers), by version: the fact scripts read the same list. */
export const ACTIONS = {
  lighthouse: {
    version: 'v20200324',
    actions: [
      'DescribeBlueprints',
      'DescribeBlueprintsShareAcrossAccountInfos',
      'ShareBlueprintAcrossAccounts',
      'CancelShareBlueprintAcrossAccounts',
      'SyncBlueprint',
      'ModifyBlueprintAttribute',
      'DeleteBlueprints',
      'DescribeGeneralResourceQuotas',
      'DescribeImagesToShare',
      'ModifyImageSharePermission'
    ]
  },
  sts: {
    version: 'v20180813',
    actions: ['AssumeRoleWithWebIdentity', 'AssumeRole', 'GetCallerIdentity']
  },
  organization: {
    version: 'v20210331',
    actions: ['DescribeOrganization', 'DescribeOrganizationNodes', 'DescribeOrganizationMembers']
  }
} as const
