/** Whose credentials these are: the root account STS GetCallerIdentity names. */
import { TransportError } from './api-errors.js'
import { isAccountId } from '../common/ids.js'
import type { Caller } from './retry.js'

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
