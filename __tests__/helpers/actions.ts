/** The API actions the tests inject faults into and count, named once. */
export const SHARE = 'ShareBlueprintAcrossAccounts'
export const CANCEL = 'CancelShareBlueprintAcrossAccounts'
export const SHARE_INFO = 'DescribeBlueprintsShareAcrossAccountInfos'
export const DESCRIBE = 'DescribeBlueprints'
export const SYNC = 'SyncBlueprint'
export const MODIFY = 'ModifyBlueprintAttribute'
export const ASSUME = 'AssumeRoleWithWebIdentity'
