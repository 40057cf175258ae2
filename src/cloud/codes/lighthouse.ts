/** Lighthouse (2020-03-24): the codes its actions answer with, and DeleteBlueprints' own readings. */
import { COMMON_CODES } from './common.js'
import { ASK_AGAIN, type CodeMeaning } from './meaning.js'

/** Lighthouse (2020-03-24) and the common codes of API 3.0; a code not listed is looked up by its family. */
export const LIGHTHOUSE_CODES: Record<string, CodeMeaning> = {
  ...COMMON_CODES,
  // Making a blueprint from a CVM image (DescribeImagesToShare, ModifyImageSharePermission).
  'ResourceNotFound.ImageIdNotFound': {
    kind: 'permanent',
    hint: 'No such CVM image in this region: check {cvmImage} and {region} (each region has its own image IDs).'
  },
  'InvalidParameterValue.InvalidImageIdMalformed': {
    kind: 'permanent',
    hint: 'The CVM image ID is malformed; it looks like img-xxxxxxxx: check {cvmImage}.'
  },
  'UnsupportedOperation.ImageAlreadyShared': {
    kind: 'permanent',
    hint: 'The CVM image is shared to Lighthouse already: its blueprint is the own custom image whose ImageId is this image.'
  },
  'UnsupportedOperation.ImageUnableToShare': {
    kind: 'permanent',
    hint:
      'Tencent Cloud says the CVM image cannot be shared to Lighthouse: it must be a NORMAL custom image, not imported, ' +
      'not a whole-machine image, with cloud-init, of a platform and OS Lighthouse supports.'
  },
  // "The image is occupied by another operation ... please try again later".
  'UnsupportedOperation.ImageOccupied': {
    kind: 'image-busy',
    hint: `Another operation is using the CVM image; ${ASK_AGAIN} when it is done.`
  },
  'ResourceInUse.ImageInUse': {
    kind: 'permanent',
    hint: 'Tencent Cloud says the CVM image is in use and cannot be shared now: check in the console what uses it.'
  },
  // "The service role does not exist, add it to the account".
  'ResourceNotFound.RoleNotFound': {
    kind: 'permanent',
    hint:
      "Lighthouse's service role does not exist in this account: authorize Lighthouse in the console (the " +
      'service authorization it asks for the first time its images are used), which creates the role in CAM.'
  },
  // "Getting the role's authorization failed: grant Lighthouse the role, then retry" (after the fix, not by waiting).
  'UnsupportedOperation.AssumeRoleFailed': {
    kind: 'permanent',
    hint:
      "Lighthouse could not use its service role: check in CAM > Roles that the role Lighthouse's service " +
      'authorization created still exists with its policy, or authorize Lighthouse again in its console.'
  },
  // "Command not found": an internal error no retry can change.
  'InternalError.InvalidCommandNotFound': {
    kind: 'permanent',
    hint: 'The API could not find a command it needs for this call: give the RequestId to Tencent Cloud support.'
  },
  // DescribeBlueprints: "query failed, try again later".
  'FailedOperation.DescribeBlueprintsFailed': {
    kind: 'transient',
    hint: `Reading the image failed on the API side; ${ASK_AGAIN} later.`
  },
  InvalidAction: {
    kind: 'not-served',
    hint: "This site's API does not offer the action: check {endpoint} (the China site is lighthouse.tencentcloudapi.com)."
  },
  'FailedOperation.ShareBlueprintAcrossAccountFailed': {
    kind: 'transient',
    hint: `Sharing failed on the API side; ${ASK_AGAIN} later.`
  },
  'OperationDenied.BlueprintOperationInProgress': {
    kind: 'image-busy',
    hint: `Another operation on the image is in progress; ${ASK_AGAIN} when it is done.`
  },
  'UnsupportedOperation.BlueprintLatestOperationUnfinished': {
    kind: 'image-busy',
    hint: `The last operation on the image has not finished; ${ASK_AGAIN} when it has.`
  },
  'ResourceInUse.BlueprintModifyingSharePermission': {
    kind: 'image-busy',
    hint: `The image's sharing is being changed by another request; ${ASK_AGAIN} in a moment.`
  },
  'UnsupportedOperation.BlueprintCurStateInvalid': {
    kind: 'image-state',
    hint: `The image is not NORMAL right now; ${ASK_AGAIN} when it is.`
  },
  // "The image may not be shared with an account of another site": the account's site, whatever the endpoint.
  'InvalidParameterValue.AccountIdInvalidAccountArea': {
    kind: 'per-account',
    hint: "The account was opened on the other site (China vs international) than the image's owner: Tencent Cloud shares images only within one site, whatever the endpoint."
  },
  'InvalidParameterValue.AccountIdSameWithUin': {
    kind: 'per-account',
    hint: 'This is the account that owns the image; remove it from {accounts}.'
  },
  'InvalidParameterValue.AccountIdsNotExist': {
    kind: 'per-account',
    hint: 'No such account: check the account ID (it is not the QQ number).'
  },
  'InvalidParameterValue.AccountIdsNotOwnerAccount': {
    kind: 'per-account',
    hint: "This is a sub-user's ID; give the root account's ID (Account Center > Account Information)."
  },
  'UnsupportedOperation.BlueprintAlreadyShared': {
    kind: 'already-shared',
    hint: `One of the accounts already has the share (it changed since it was read); ${ASK_AGAIN}.`
  },
  'UnsupportedOperation.BlueprintHasNotShared': {
    kind: 'not-shared',
    hint: `One of the accounts does not have the share (it changed since it was read); ${ASK_AGAIN}.`
  },
  'InvalidParameterValue.BlueprintIdMalformed': {
    kind: 'permanent',
    hint: 'The blueprint ID is malformed; it looks like lhbp-6jc6l8yb.'
  },
  'InvalidParameterValue.InvalidBlueprintId': {
    kind: 'permanent',
    hint: 'The blueprint ID is not valid here: check it, and that {region} is the region the image is in.'
  },
  // An invalid state *value* (a filter), not "the image must be NORMAL" (that is BlueprintCurStateInvalid).
  'InvalidParameterValue.InvalidBlueprintState': {
    kind: 'permanent',
    hint: 'The API refused an image state value in the request.'
  },
  'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded': {
    kind: 'permanent',
    hint: 'The image has reached its share quota: revoke shares that are no longer needed, or ask Tencent Cloud for a higher quota.'
  },
  'ResourceNotFound.BlueprintIdNotFound': {
    kind: 'permanent',
    hint: 'No such image: check {image}, and that {region} is the region the image is in.'
  },
  'ResourceNotFound.PrivateBlueprintNotFound': {
    kind: 'permanent',
    hint: 'No such custom image: only your own custom images can be shared; check {image} and {region}.'
  },
  'UnauthorizedOperation.NoPermission': {
    kind: 'denied',
    hint:
      'The credentials lack permission: allow lighthouse:DescribeBlueprints, lighthouse:ShareBlueprintAcrossAccounts, ' +
      '(to revoke, and with keep-shared) lighthouse:CancelShareBlueprintAcrossAccounts, (with copy-to-regions) ' +
      'lighthouse:SyncBlueprint, lighthouse:ModifyBlueprintAttribute and lighthouse:DescribeGeneralResourceQuotas, ' +
      '(with keep-images) lighthouse:DeleteBlueprints, and (to read the shares where the site offers it) ' +
      'lighthouse:DescribeBlueprintsShareAcrossAccountInfos in CAM.'
  },
  // "The image is in use; the operation is not supported": not a wait, and not said to pass.
  'UnsupportedOperation.BlueprintOccupied': {
    kind: 'permanent',
    hint: 'Tencent Cloud says the image is in use and its sharing cannot change now: check in the console what uses it.'
  },
  'AuthFailure.UnauthorizedOperation': {
    kind: 'denied',
    hint: 'The credentials lack permission for this action: check the CAM policy.'
  },
  UnsupportedRegion: {
    kind: 'permanent',
    hint: 'Lighthouse is not offered in this region: check {region}.'
  },
  // SyncBlueprint (copy-to-regions).
  'LimitExceeded.SyncBlueprintQuotaLimitExceeded': {
    kind: 'permanent',
    hint: 'The quota of image copies is used up: delete copies that are no longer needed, or ask Tencent Cloud for a higher quota.'
  },
  'FailedOperation.UnableToSyncBlueprint': {
    kind: 'permanent',
    hint: "The image's current state cannot be copied to other regions: it must be NORMAL, with no other copy under way."
  },
  'FailedOperation.DescribeBlueprintQuotaFailed': {
    kind: 'transient',
    hint: `Reading the destination's image quota failed on the API side; ${ASK_AGAIN} later.`
  },
  'FailedOperation.BalanceInsufficient': {
    kind: 'permanent',
    hint: 'The account balance is too low to copy the image: top up the account (Billing Center), then run the step again.'
  },
  'UnauthorizedOperation.NotCertification': {
    kind: 'permanent',
    hint: 'The account has no real-name verification, which copying the image needs: verify it in Account Center.'
  },
  'UnauthorizedOperation.CertificationNeedUpgrade': {
    kind: 'permanent',
    hint: "The account's real-name information must be completed before it can buy resources (copying the image): complete it in Account Center."
  },
  LimitExceeded: {
    kind: 'permanent',
    hint: 'A quota was exceeded: delete images that are no longer needed in the destination region, or ask Tencent Cloud for a higher quota.'
  },
  'InvalidParameterValue.UnavailableRegion': {
    kind: 'permanent',
    hint: 'Images cannot be copied to this region: remove it from {copyRegions}.'
  },
  'InvalidParameterValue.DestinationRegionSameAsSourceRegion': {
    kind: 'permanent',
    hint: "A destination is the image's own region: it needs no copy."
  },
  'InvalidParameterValue.Duplicated': {
    kind: 'permanent',
    hint: 'A region is listed twice in {copyRegions}.'
  },
  // DeleteBlueprints (keep-images).
  'ResourceNotFound.BlueprintNotFound': {
    kind: 'permanent',
    hint: 'No such custom image: it was deleted, or is not a custom image.'
  },
  // "Changing the resource's attributes failed, please try again later".
  'FailedOperation.ModifyResourcesAttributeFailed': {
    kind: 'transient',
    hint: `Changing the image's description failed on the API side; ${ASK_AGAIN} later.`
  },
  'FailedOperation.DestroyResourcesFailed': {
    kind: 'transient',
    hint: `Deleting the image failed on the API side; ${ASK_AGAIN} later.`
  },
  'FailedOperation.TradeCallBillingGatewayFailed': {
    kind: 'transient',
    hint: `The billing service did not answer; ${ASK_AGAIN} later.`
  },
  'UnsupportedOperation.NotSupportSharedBlueprint': {
    kind: 'permanent',
    hint: 'The image is shared with this account by another: only your own custom images can be changed.'
  },
  // DescribeGeneralResourceQuotas (copy-to-regions).
  'InvalidParameterValue.InvalidResourceQuotaResourceName': {
    kind: 'permanent',
    hint: 'The API does not know the quota name BLUEPRINT here.'
  },
  'InvalidParameterValue.NotSupportCrossBorderSyncBlueprint': {
    kind: 'permanent',
    hint: 'Images cannot be copied between the Chinese mainland and other regions: check {copyRegions}.'
  }
}

const GONE: CodeMeaning = {
  kind: 'gone',
  hint: 'The image is not there: it was deleted (by this run, if an earlier answer was lost).'
}

/** DeleteBlueprints: an image the API will not delete is kept, not a failure. */
export const DELETE_CODES: Record<string, CodeMeaning> = {
  ResourceNotFound: GONE,
  'ResourceNotFound.BlueprintIdNotFound': GONE,
  'ResourceNotFound.BlueprintNotFound': GONE,
  'UnsupportedOperation.BlueprintOccupied': {
    kind: 'not-deletable',
    hint: 'The image is in use (instances were created from it, or it is being used): it is kept.'
  },
  'UnsupportedOperation.BlueprintCurStateInvalid': {
    kind: 'not-deletable',
    hint: 'The image is in a state that cannot be deleted (only NORMAL, ISOLATED, CREATEFAILED, SYNCING_FAILED can): it is kept.'
  },
  // "Deleting the resource in the billing resource center failed": the image may or may not be gone.
  'UnsupportedOperation.PostDestroyResourceFailed': {
    kind: 'permanent',
    hint: 'The billing side could not delete the image: delete it in the console, or ask Tencent Cloud.'
  },
  ResourceUnavailable: {
    kind: 'permanent',
    hint: 'The API says the image is not available to delete now: it is kept; delete it later by hand if needed.'
  },
  'UnsupportedOperation.NotSupportSharedBlueprint': {
    kind: 'permanent',
    hint: "The image is another account's, shared with this one: only your own images are deleted."
  },
  'InvalidParameterValue.Duplicated': {
    kind: 'permanent',
    hint: 'The same image was named twice in one call.'
  }
}
