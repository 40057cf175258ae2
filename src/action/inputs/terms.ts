/** What the API errors' hints call the things the workflow gave: its inputs, by name. */
import type { HintTerms } from '../../cloud/api-errors.js'
import { INPUT, named } from './names.js'

export const INPUT_TERMS: Required<HintTerms> = {
  image: named(INPUT.blueprintId),
  cvmImage: named(INPUT.imageId),
  region: named(INPUT.region),
  copyRegions: named(INPUT.copyToRegions),
  accounts: named(INPUT.accountIds),
  endpoint: named(INPUT.endpoint),
  secretId: named(INPUT.secretId),
  secretKey: named(INPUT.secretKey),
  token: named(INPUT.sessionToken),
  role: named(INPUT.roleArn),
  provider: named(INPUT.oidcProviderId),
  audience: named(INPUT.oidcAudience),
  sessionName: named(INPUT.roleSessionName),
  duration: named(INPUT.roleDurationSeconds),
  units: named(INPUT.organizationUnits),
  organizationRole: named(INPUT.organizationRoleArn)
}
