/**
 * mask-account-ids: no account ID the step knows of (the inputs, the image
 * owner's from role-arn, the ones read from the API) is printed in full, in
 * any text: the log, annotations, the failure, the summary. The outputs keep
 * them whole. The bundled action against the emulator.
 */
import { expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  OIDC_PROVIDER,
  OWNER_UIN,
  ROLE_ARN,
  oidcRole,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction, type ActionResult } from '../helpers/run-action.js'

const [granted, unlisted] = rootAccounts(2)
const MISSING = '200000000099'
const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [granted]).addBlueprint({ id: BLUEPRINT_ID, sharedWith: [unlisted] })
  oidcRole(created, { subject: '*' })
})

/** Everything the step printed or wrote for a person: not the outputs, and not the mask registrations. */
function printed(result: ActionResult): string {
  return [result.stdout, result.stderr, result.summary]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::set-output'))
    .join('\n')
}

/** An API message that repeats an account ID, on a call-level error (its message reaches the failure). */
const quotaNaming = (account: string) => ({
  kind: 'error' as const,
  code: 'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded',
  message: `The image quota is insufficient to share images to the specified account ${account}.`
})

test('no known account ID is printed in full: inputs, the owner in role-arn, an API message, the share list', async () => {
  emulator.inject('ShareBlueprintAcrossAccounts', quotaNaming(granted))
  const result = await runAction(
    {
      ...shareInputs(emulator, { 'secret-id': '', 'secret-key': '' }),
      'account-ids': `${granted}, ${MISSING}`,
      'revoke-unlisted': 'true',
      'mask-account-ids': 'true',
      'role-arn': ROLE_ARN,
      'oidc-provider-id': OIDC_PROVIDER,
      'on-account-error': 'fail'
    },
    emulator.idTokenVariables
  )

  expect(result.exitCode).toBe(1)
  // The API's message named an account; the failure still says it, shortened.
  expect(errorLine(result)).toContain('to the specified account 2000****0001')
  const text = printed(result)
  for (const id of [granted, unlisted, MISSING, OWNER_UIN])
    expect([id, text.includes(id)]).toEqual([id, false])
  expect(text).toContain('qcs::cam::uin/1000****0001:roleName/github-image-sharer')
  // The outputs keep them whole.
  expect(listOutput(result, 'failed-account-ids')).toEqual([granted, MISSING])
})

test('an invalid account ID in an input error is masked too', async () => {
  const result = await runAction(
    shareInputs(emulator, { 'account-ids': '2000-0000-0002', 'mask-account-ids': 'true' })
  )

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain('Input "account-ids" has an invalid account ID')
  expect(printed(result)).not.toContain('2000-0000-0002')
})

test('without mask-account-ids every ID is shown whole', async () => {
  emulator.inject('ShareBlueprintAcrossAccounts', quotaNaming(granted))
  const result = await runAction(shareInputs(emulator, { 'account-ids': granted }))

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain(`to the specified account ${granted}`)
})
