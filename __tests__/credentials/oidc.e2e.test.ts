/** The bundled action with GitHub OIDC instead of API keys, against the emulator's STS and token service. */
import { expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  ROLE_ARN,
  SECRET_ID,
  SECRET_KEY,
  rootAccounts,
  emulatorForEachTest,
  oidcInputs,
  oidcRole
} from '../helpers/fixtures.js'
import { errorLine, runAction } from '../helpers/run-action.js'

const SUBJECT = 'repo:octo-org/golden-images:ref:refs/heads/main'

const emulator = emulatorForEachTest((emulator) => {
  oidcRole(emulator, { audience: 'sts.tencentcloudapi.com' })
  emulator.identity.subject = SUBJECT
})

/** A share step with role-arn and no keys, for two accounts; the STS endpoint defaults to the emulator's host. */
const oidcShare = (overrides: Record<string, string> = {}) =>
  oidcInputs(emulator, { 'account-ids': rootAccounts(2).join(','), ...overrides })

function visibleOutput(result: Awaited<ReturnType<typeof runAction>>): string {
  return [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

test('shares with credentials from GitHub OIDC only, and never shows them', async () => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })

  const result = await runAction(oidcShare(), {
    ...emulator.idTokenVariables,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1'
  })

  expect(result.exitCode).toBe(0)
  expect(emulator.identity.idTokenAudiences).toEqual(['sts.tencentcloudapi.com'])
  expect(emulator.identity.issued).toHaveLength(1)
  const [issued] = emulator.identity.issued
  expect(issued.sessionName).toBe('gh-octo-org-golden-images-4242-1')
  expect(emulator.actions).toEqual([
    'AssumeRoleWithWebIdentity',
    'DescribeBlueprints',
    'DescribeBlueprintsShareAcrossAccountInfos',
    'ShareBlueprintAcrossAccounts'
  ])
  expect(emulator.calls.slice(1).map((c) => c.secretId)).toEqual([
    issued.secretId,
    issued.secretId,
    issued.secretId
  ])
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(rootAccounts(2))
  expect(result.summary).toContain(`role ${ROLE_ARN} (session gh-octo-org-golden-images-4242-1)`)
  for (const secret of [issued.secretId, issued.secretKey, issued.token]) {
    expect(result.stdout).toContain(`::add-mask::${secret}`)
    expect(visibleOutput(result)).not.toContain(secret)
  }
})

test('without id-token: write the step says what permission the job needs, and calls nothing', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID })
  const result = await runAction(oidcShare())
  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain('this job cannot get a GitHub OIDC token')
  expect(errorLine(result)).toContain('Give the job "permissions: id-token: write"')
  expect(errorLine(result)).toContain('Pull requests from forks never get a token')
  expect(emulator.calls).toEqual([])
  expect(emulator.identity.idTokenAudiences).toEqual([])
})

test('a role whose trust policy does not match the job fails with the STS code, RequestId and a hint', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID })
  emulator.identity.subject = 'repo:someone-else/fork:ref:refs/heads/main'

  const result = await runAction(oidcShare(), emulator.idTokenVariables)

  expect(result.exitCode).toBe(1)
  const requestId = emulator.calls[0].requestId
  expect(errorLine(result)).toContain(
    `Could not assume role ${ROLE_ARN} with the GitHub OIDC token: AssumeRoleWithWebIdentity failed: UnauthorizedOperation:`
  )
  expect(errorLine(result)).toContain(`(RequestId: ${requestId})`)
  expect(errorLine(result)).toContain(
    "The role's trust policy does not allow this token: check its oidc:sub condition"
  )
  expect(emulator.actions).toEqual(['AssumeRoleWithWebIdentity'])
})

test('a wrong provider name is named in the hint', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID })
  const result = await runAction(
    oidcShare({ 'oidc-provider-id': 'no-such-provider' }),
    emulator.idTokenVariables
  )
  expect(errorLine(result)).toContain('InvalidParameter.WebIdentityTokenError')
  expect(errorLine(result)).toContain(
    'check that "oidc-provider-id" names a CAM OIDC identity provider'
  )
})

test('an audience the provider does not trust is rejected', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID })
  const result = await runAction(
    oidcShare({ 'oidc-audience': 'https://github.com/octo-org' }),
    emulator.idTokenVariables
  )
  expect(emulator.identity.idTokenAudiences).toEqual(['https://github.com/octo-org'])
  expect(errorLine(result)).toContain('InvalidParameter.WebIdentityTokenError')
})

test('credentials that expire during a long wait are renewed before they do', async () => {
  const [a] = rootAccounts(1)
  emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID, state: 'SYNCING' })
  // Four seconds after the first read, however long the step took to start.
  emulator.before('DescribeBlueprints', () =>
    emulator.setBlueprintState(BLUEPRINT_ID, 'NORMAL', 4000)
  )
  emulator.identity.credentialSeconds = 3

  const result = await runAction(oidcShare({ 'account-ids': a }), emulator.idTokenVariables)

  expect(result.exitCode).toBe(0)
  expect(emulator.identity.issued.length).toBeGreaterThanOrEqual(2)
  expect(emulator.calls.filter((c) => c.outcome !== undefined)).toEqual([])
  expect(result.stdout).toContain(`Renewed credentials: assumed role ${ROLE_ARN}`)
  // Every Lighthouse call was signed with credentials that were valid when it was made.
  for (const call of emulator.calls.filter((c) => c.action !== 'AssumeRoleWithWebIdentity')) {
    const used = emulator.identity.issued.find((i) => i.secretId === call.secretId)
    expect(used && call.at < used.expiresAt).toBe(true)
  }
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
})

test('role-arn with API key inputs is an error that says to choose one', async () => {
  const result = await runAction(
    oidcShare({ 'secret-id': SECRET_ID, 'secret-key': SECRET_KEY }),
    emulator.idTokenVariables
  )
  expect(errorLine(result)).toContain(
    'Inputs "role-arn" and "secret-id", "secret-key" are both set: choose one.'
  )
  expect(emulator.calls).toEqual([])
})

test('API keys in the environment are ignored with a notice when role-arn is set', async () => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })
  const result = await runAction(oidcShare(), {
    ...emulator.idTokenVariables,
    TENCENTCLOUD_SECRET_ID: SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: SECRET_KEY
  })
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain(
    '::notice::Ignoring TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY from the environment'
  )
  expect(emulator.calls.some((c) => c.secretId === SECRET_ID)).toBe(false)
})

test('a role STS cannot get fails at once with the code it really returns and a hint naming "role-arn"', async () => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })

  const result = await runAction(
    oidcShare({ 'role-arn': 'qcs::cam::uin/100000000001:roleName/no-such-role' }),
    emulator.idTokenVariables
  )

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain('InternalError.GetRoleError')
  expect(errorLine(result)).toContain('STS could not get the role: check "role-arn"')
  // Not retried: the family InternalError is transient, this code is not.
  expect(emulator.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
  expect(emulator.callsTo('ShareBlueprintAcrossAccounts')).toHaveLength(0)
})

test("credentials whose ExpiredTime is already past on the runner's clock are assumed once, not on every call", async () => {
  const accounts = rootAccounts(25)
  emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
  // The API's clock two hours behind the runner's: the expiry it names is already past here.
  emulator.identity.expiredTimeSkewSeconds = -7200

  const result = await runAction(
    oidcShare({ 'account-ids': accounts.join(',') }),
    emulator.idTokenVariables
  )

  expect(errorLine(result)).toBe('')
  expect(result.exitCode).toBe(0)
  expect(emulator.callsTo('ShareBlueprintAcrossAccounts')).toHaveLength(3)
  expect(emulator.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
})

test('STS busy (ServiceUnavailable) is retried: the step signs in on the next attempt', async () => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })
  emulator.inject('AssumeRoleWithWebIdentity', { kind: 'error', code: 'ServiceUnavailable' })

  const result = await runAction(oidcShare(), emulator.idTokenVariables)

  expect(errorLine(result)).toBe('')
  expect(emulator.callsTo('AssumeRoleWithWebIdentity').map((c) => c.outcome)).toEqual([
    'ServiceUnavailable',
    undefined
  ])
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(rootAccounts(2))
})

test('a slow sign-in does not age the request it was for: the time is taken after the credentials', async () => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })
  // A window of one second stands for Tencent's five minutes; STS takes two and a half to answer.
  emulator.signatureWindowSeconds = 1
  emulator.inject('AssumeRoleWithWebIdentity', { kind: 'delay', ms: 2500 })

  const result = await runAction(oidcShare(), emulator.idTokenVariables)

  expect(errorLine(result)).toBe('')
  expect(emulator.calls.filter((c) => c.outcome === 'AuthFailure.SignatureExpire')).toEqual([])
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(rootAccounts(2))
})
