/** The formats of the IDs the action takes from inputs and from API answers: one place, checked the same way. */

/** A Lighthouse image ID, e.g. lhbp-6jc6l8yb. */
const BLUEPRINT_ID = /^lhbp-[a-z0-9]{8}$/

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
