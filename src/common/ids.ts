/** The formats of the IDs the action takes from inputs and from API answers: one place, checked the same way. */

/** A Lighthouse image ID, e.g. lhbp-6jc6l8yb. */
const BLUEPRINT_ID = /^lhbp-[a-z0-9]{8}$/

/** A CVM image ID, e.g. img-0rh2x8e6 (what Packer's tencentcloud-cvm builder makes). */
const CVM_IMAGE_ID = /^img-[a-z0-9]{8}$/

/** Whether a value (an input, or a member of an answer) is a CVM image ID. */
export const isCvmImageId = (value: unknown): boolean =>
  typeof value === 'string' && CVM_IMAGE_ID.test(value)

/** A root account ID (UIN): digits, no leading zero, 5 to 20 of them. */
const ACCOUNT_ID = /^[1-9][0-9]{4,19}$/

/** Whether a value (an input, or a member of an answer) is an image ID. */
export const isBlueprintId = (value: unknown): boolean =>
  typeof value === 'string' && BLUEPRINT_ID.test(value)

/** Whether a value (an input, or a member of an answer) is a root account ID. */
export const isAccountId = (value: unknown): boolean =>
  typeof value === 'string' && ACCOUNT_ID.test(value)

/** A RequestId as Tencent gives them (a UUID); anything else is not read, so no answer can put text of its choosing into an output. */
const REQUEST_ID = /^[\w-]{1,128}$/

export const isRequestId = (value: unknown): boolean =>
  typeof value === 'string' && REQUEST_ID.test(value)

/** How an account ID is shown in the log and the summary. */
export type ShowAccount = (accountId: string) => string

/** With mask-account-ids: the first and last few digits only, e.g. 7000****4995. */
export function accountShower(mask: boolean): ShowAccount {
  if (!mask) return (accountId) => accountId
  return (accountId) => {
    const kept = Math.min(4, Math.floor(accountId.length / 3))
    return `${accountId.slice(0, kept)}****${accountId.slice(-kept)}`
  }
}
