/** Whose credentials these are: the root account STS GetCallerIdentity names, or the organization when STS will not say. */
import { ApiError, TransportError } from './api-errors.js'
import { isAccountId } from '../common/ids.js'
import type { OrganizationApi } from './organization.js'
import type { Caller } from './retry.js'

/**
 * Tencent documents GetCallerIdentity for long-term keys and AssumeRole's
 * credentials; other temporary keys (a web identity's, given as a session
 * token) may be refused with this code.
 */
const KEY_NOT_SUPPORTED = 'InvalidParameter.AccessKeyNotSupport'

/**
 * The root account of the credentials: GetCallerIdentity, or, where it
 * refuses their kind and the organization is read with these same
 * credentials as its management account, DescribeOrganization's HostUin.
 * Undefined when neither can say.
 */
export async function ownAccount(
  sts: Caller,
  sameCredentials?: OrganizationApi
): Promise<string | undefined> {
  try {
    return await callerAccount(sts)
  } catch (error) {
    if (!(error instanceof ApiError && error.code === KEY_NOT_SUPPORTED)) throw error
  }
  if (!sameCredentials) return undefined
  const organization = await sameCredentials.describeOrganization()
  return organization.isManager ? organization.managementAccount : undefined
}

/** The root account (UIN) of the credentials that sign the Caller's requests. */
export function callerAccount(sts: Caller): Promise<string> {
  return sts.call(
    'GetCallerIdentity',
    {},
    {
      read: (response) => {
        const account = response.AccountId
        if (typeof account !== 'string' || !isAccountId(account)) {
          throw new TransportError(
            'GetCallerIdentity',
            'an answer without an AccountId of the form of an account ID'
          )
        }
        return account
      }
    }
  )
}
