/** mask-account-ids, read before any other input so every line can be masked. */
import { INPUT, type GetInput } from './names.js'
import { BOOLEANS } from './parse.js'

/** Whether mask-account-ids is on; an invalid value is refused later, with the other inputs. */
export function wantsMasking(getInput: GetInput): boolean {
  return BOOLEANS.get(getInput(INPUT.maskAccountIds) || 'false') === true
}
