/**
 * Sharing with an organization's members: the bundled action against the
 * emulator's Organization service and STS, which play the least convenient
 * reading of what the spec leaves open (only the management account may
 * list members; the unit filter leaves out sub-units).
 */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  OWNER_UIN,
  SECRET_ID,
  SECRET_KEY,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { readableSummary } from '../helpers/readable-summary.js'
import { OrganizationEmulator } from '../emulator/organization.js'

const MANAGEMENT = '100000000009'
const ROLE = `qcs::cam::uin/${MANAGEMENT}:roleName/organization-reader`
const [PROD, PROD_EU, TEST] = [200001, 200002, 200003]
const prod = rootAccounts(3, 300000000001)
const prodEu = rootAccounts(2, 310000000001)
const testing = rootAccounts(2, 320000000001)
const atRoot = rootAccounts(1, 330000000001)
const listed = rootAccounts(1, 340000000001)

const ORG_READS = [
  'DescribeOrganization',
  'DescribeOrganizationNodes',
  'DescribeOrganizationMembers'
]
const CHANGES = ['ShareBlueprintAcrossAccounts', 'CancelShareBlueprintAcrossAccounts']

/** prod (with sub-unit prod-eu), test, and a member at the root; `manager` manages it. */
function organization(manager: string): OrganizationEmulator {
  return new OrganizationEmulator(manager)
    .addUnits(
      { id: PROD, name: 'prod' },
      { id: PROD_EU, name: 'prod-eu', parent: PROD },
      { id: TEST, name: 'test' }
    )
    .addMembers(
      ...prod.map((uin) => ({ uin, unit: PROD })),
      ...prodEu.map((uin) => ({ uin, unit: PROD_EU })),
      ...testing.map((uin) => ({ uin, unit: TEST })),
      ...atRoot.map((uin) => ({ uin }))
    )
}

const emulator = emulatorForEachTest((created) => {
  created
    .addAccounts('root', [...prod, ...prodEu, ...testing, ...atRoot, ...listed, MANAGEMENT])
    .addBlueprint({ id: BLUEPRINT_ID })
})

const orgStep = (overrides: Record<string, string>, env: Record<string, string> = {}) =>
  runAction(shareInputs(emulator, overrides), env)

const changeCalls = () => emulator.calls.filter((c) => CHANGES.includes(c.action))
const readsOf = (action: string) => emulator.callsTo(action).length

describe('organization-units', () => {
  test('"all" shares with every member but the image owner, in the fewest reads', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({ 'organization-units': 'all', 'account-ids': listed[0] })

    expect(errorLine(result)).toBe('')
    const members = [...prod, ...prodEu, ...testing, ...atRoot]
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...listed, ...members].sort())
    expect((listOutput(result, 'organization-account-ids') as string[]).sort()).toEqual(
      members.sort()
    )
    // Every member, so no unit needs reading; the owner's account comes from STS once.
    expect(emulator.actions.filter((a) => ORG_READS.includes(a))).toEqual([
      'DescribeOrganization',
      'DescribeOrganizationMembers'
    ])
    expect(readsOf('GetCallerIdentity')).toBe(1)
    expect(result.stdout).toContain("the image owner's own account is a member and is left out")
    const summary = readableSummary(result.summary)
    expect(summary).toContain(`${listed[0]}  |  account-ids  |`)
    expect(summary).toContain(`${prodEu[0]}  |  unit ${PROD_EU} (prod-eu)  |`)
  })

  test('units count with their sub-units, and other units are left out', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({ 'organization-units': `${PROD}\n${TEST} # and test` })

    expect(errorLine(result)).toBe('')
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...prod, ...prodEu, ...testing].sort())
    expect(emulator.sharesOf(BLUEPRINT_ID)).not.toContain(atRoot[0])
    // The tree is built from the units read, not from the NodeId filter (which leaves out sub-units).
    expect(emulator.callsTo('DescribeOrganizationMembers').map((c) => c.params)).toEqual([
      { Offset: 0, Limit: 50 }
    ])
    expect(readsOf('DescribeOrganizationNodes')).toBe(1)
  })

  test('with revoke-unlisted, a leaver loses the share on the next run and a joiner gains it', async () => {
    const org = organization(OWNER_UIN)
    emulator.organization = org
    const step = () => orgStep({ 'organization-units': String(PROD), 'revoke-unlisted': 'true' })
    expect(errorLine(await step())).toBe('')
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...prod, ...prodEu].sort())

    const [leaver, mover] = prod
    const [joiner] = testing
    org.removeMembers(leaver).addMembers({ uin: mover, unit: TEST }, { uin: joiner, unit: PROD_EU })
    const second = await step()

    expect(errorLine(second)).toBe('')
    expect(listOutput(second, 'revoked-account-ids')).toEqual(
      expect.arrayContaining([leaver, mover])
    )
    expect(listOutput(second, 'shared-account-ids')).toEqual([joiner])
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(
      org
        .membersUnder(PROD)
        .filter((u) => u !== OWNER_UIN)
        .sort()
    )
  })

  test('an account in revoke-account-ids is kept from the share though it is a member', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({
      'organization-units': String(TEST),
      'revoke-account-ids': testing[0]
    })

    expect(errorLine(result)).toBe('')
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([testing[1]])
  })

  test('a read that finds no member is refused with revoke-unlisted, before any change', async () => {
    emulator.organization = organization(OWNER_UIN).addUnits({ id: 200009, name: 'empty' })
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [listed[0]] })

    const result = await orgStep({ 'organization-units': '200009', 'revoke-unlisted': 'true' })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('found no member')
    expect(changeCalls()).toEqual([])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([listed[0]])
  })

  test('pages past 50 members, each page at an Offset that is a multiple of 50', async () => {
    const many = rootAccounts(120, 400000000001)
    emulator.addAccounts('root', many)
    emulator.organization = organization(OWNER_UIN).addMembers(
      ...many.map((uin) => ({ uin, unit: TEST }))
    )

    const result = await orgStep({ 'organization-units': String(TEST) })

    expect(errorLine(result)).toBe('')
    expect(
      emulator
        .callsTo('DescribeOrganizationMembers')
        .map((c) => c.params.Offset)
        .sort()
    ).toEqual([0, 100, 50])
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...testing, ...many].sort())
  })

  test('a dry run lists the members found and their units, and changes nothing', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({ 'organization-units': String(PROD), 'dry-run': 'true' })

    expect(errorLine(result)).toBe('')
    expect(changeCalls()).toEqual([])
    expect(result.stdout).toContain(`::group::Organization members (5)`)
    expect(result.stdout).toContain(`${prodEu[1]}  unit ${PROD_EU} (prod-eu)`)
    const summary = readableSummary(result.summary)
    expect(summary).toContain(`${prod[0]}  |  unit ${PROD} (prod)  |  🔜 would share`)
  })

  test('mask-account-ids masks the members too', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({ 'organization-units': String(TEST), 'mask-account-ids': 'true' })

    expect(errorLine(result)).toBe('')
    for (const member of testing) {
      expect(result.stdout).not.toContain(member)
      expect(result.summary).not.toContain(member)
    }
    expect(listOutput(result, 'organization-account-ids')).toEqual(testing)
  })
})

/** Every member shared with by a GitHub OIDC role that assumes the organization role to read `org`. */
function oidcOrganizationStep(org: OrganizationEmulator) {
  const oidcRole = `qcs::cam::uin/${OWNER_UIN}:roleName/github-image-sharer`
  emulator.identity
    .addProvider('github-actions')
    .addRole({ arn: oidcRole, providerId: 'github-actions', subject: '*' })
    .addTrustingRole({ arn: ROLE, trustedAccounts: [OWNER_UIN] })
  emulator.organization = org
  return orgStep(
    {
      'secret-id': '',
      'secret-key': '',
      'role-arn': oidcRole,
      'oidc-provider-id': 'github-actions',
      'organization-units': 'all',
      'organization-role-arn': ROLE
    },
    emulator.idTokenVariables
  )
}

describe('the organization role', () => {
  test("is assumed with the step's keys, and only it reads the organization", async () => {
    emulator.organization = organization(MANAGEMENT).addMembers({ uin: OWNER_UIN, unit: TEST })
    emulator.identity.addTrustingRole({ arn: ROLE, trustedAccounts: [OWNER_UIN] })

    const result = await orgStep({
      'organization-units': String(TEST),
      'organization-role-arn': ROLE
    })

    expect(errorLine(result)).toBe('')
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(testing.sort())
    const [assumed] = emulator.callsTo('AssumeRole')
    expect(assumed.account).toBe(OWNER_UIN)
    expect(assumed.params).toMatchObject({ RoleArn: ROLE, DurationSeconds: 3600 })
    for (const action of [
      'DescribeOrganization',
      'DescribeOrganizationNodes',
      'DescribeOrganizationMembers'
    ]) {
      expect(emulator.callsTo(action).map((c) => c.account)).toEqual([MANAGEMENT])
    }
    // The role's credentials never sign a Lighthouse request; they are masked.
    expect(emulator.callsTo('ShareBlueprintAcrossAccounts').map((c) => c.secretId)).toEqual([
      SECRET_ID
    ])
    const issued = emulator.identity.issued.find((i) => i.roleArn === ROLE)!
    expect(result.stdout).toContain(`::add-mask::${issued.secretKey}`)
  })

  test('works with GitHub OIDC: the OIDC role assumes the organization role', async () => {
    const result = await oidcOrganizationStep(
      organization(MANAGEMENT).addMembers({ uin: OWNER_UIN, unit: TEST })
    )

    expect(errorLine(result)).toBe('')
    // The OIDC role's ARN names the owner's account: no GetCallerIdentity is needed.
    expect(readsOf('GetCallerIdentity')).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID)).not.toContain(OWNER_UIN)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toContain(MANAGEMENT)
    expect(listOutput(result, 'organization-account-ids')).toHaveLength(9)
  })
})

describe('STS answers for the organization role', () => {
  const oidcStep = () => oidcOrganizationStep(organization(MANAGEMENT))

  test('ServiceUnavailable on AssumeRole is retried, and the members are shared', async () => {
    emulator.inject('AssumeRole', { kind: 'error', code: 'ServiceUnavailable' })

    const result = await oidcStep()

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo('AssumeRole').map((c) => c.outcome)).toEqual([
      'ServiceUnavailable',
      undefined
    ])
    expect(listOutput(result, 'organization-account-ids')).toHaveLength(9)
  })

  test("AuthFailure.TokenFailure on AssumeRole renews the step's own OIDC credentials, then assumes the role", async () => {
    emulator.inject('AssumeRole', { kind: 'error', code: 'AuthFailure.TokenFailure' })

    const result = await oidcStep()

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(2)
    expect(emulator.callsTo('AssumeRole').map((c) => c.outcome)).toEqual([
      'AuthFailure.TokenFailure',
      undefined
    ])
    expect(listOutput(result, 'organization-account-ids')).toHaveLength(9)
  })
})

describe("a session token GetCallerIdentity does not take (a web identity's, given as keys)", () => {
  /** Temporary keys of the owner's account, as a web identity issues them, passed in as inputs. */
  const tokenKeys = () => {
    emulator.addCredential({
      secretId: 'AKIDwebIdentityTemporary01',
      secretKey: 'webIdentityTemporarySecret',
      token: 'web-identity-session-token',
      issuedBy: 'AssumeRoleWithWebIdentity'
    })
    return {
      'secret-id': 'AKIDwebIdentityTemporary01',
      'secret-key': 'webIdentityTemporarySecret',
      'session-token': 'web-identity-session-token'
    }
  }

  test('the organization names the owner as its management account: it is left out, the members shared', async () => {
    emulator.organization = organization(OWNER_UIN)

    const result = await orgStep({ ...tokenKeys(), 'organization-units': 'all' })

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo('GetCallerIdentity').map((c) => c.outcome)).toEqual([
      'InvalidParameter.AccessKeyNotSupport'
    ])
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(
      [...prod, ...prodEu, ...testing, ...atRoot].sort()
    )
  })

  test('read through the organization role, the owner cannot be told: the step stops before any share, saying why', async () => {
    emulator.identity.addTrustingRole({ arn: ROLE, trustedAccounts: [OWNER_UIN] })
    emulator.organization = organization(MANAGEMENT).addMembers({ uin: OWNER_UIN, unit: TEST })

    const result = await orgStep({
      ...tokenKeys(),
      'organization-units': 'all',
      'organization-role-arn': ROLE
    })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('InvalidParameter.AccessKeyNotSupport')
    expect(errorLine(result)).toContain('"role-arn"')
    expect(changeCalls()).toEqual([])
  })
})

describe('what stops the step before any share call', () => {
  test.each<{ what: string; setUp: () => unknown; inputs: Record<string, string>; said: string[] }>(
    [
      {
        what: 'an account in no organization',
        setUp: () => undefined,
        inputs: { 'organization-units': 'all' },
        said: [
          '"organization-units"',
          'ResourceNotFound.OrganizationNotExist',
          '"organization-role-arn"'
        ]
      },
      {
        what: 'a unit that is not in the organization, named with the units there are',
        setUp: () => (emulator.organization = organization(OWNER_UIN)),
        inputs: { 'organization-units': `${PROD},299999` },
        said: ['names a unit not in the organization: 299999', `${PROD_EU} (prod-eu)`]
      },
      {
        what: 'a member that may not list the members, told to use organization-role-arn',
        setUp: () =>
          (emulator.organization = organization(MANAGEMENT).addMembers({ uin: OWNER_UIN })),
        inputs: { 'organization-units': 'all' },
        said: [
          'AuthFailure.UnauthorizedOperation',
          'organization:DescribeOrganizationMembers',
          '"organization-role-arn"'
        ]
      },
      {
        what: 'a role whose trust policy does not name the image account',
        setUp: () => {
          emulator.organization = organization(MANAGEMENT)
          emulator.identity.addTrustingRole({ arn: ROLE, trustedAccounts: ['100000000777'] })
        },
        inputs: { 'organization-units': 'all', 'organization-role-arn': ROLE },
        said: [
          `Could not assume the role in "organization-role-arn", ${ROLE}`,
          'UnauthorizedOperation',
          'trust policy must name the image account'
        ]
      },
      {
        what: 'a role that does not exist',
        setUp: () => (emulator.organization = organization(MANAGEMENT)),
        inputs: { 'organization-units': 'all', 'organization-role-arn': ROLE },
        said: ['InternalError.GetRoleError', 'check "organization-role-arn"']
      }
    ]
  )('$what', async ({ setUp, inputs, said }) => {
    setUp()

    const result = await orgStep(inputs)

    expect(result.exitCode).toBe(1)
    expect(changeCalls()).toEqual([])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([])
    // Nothing past the organization read: not even the image is looked at.
    expect(emulator.callsTo('DescribeBlueprints')).toEqual([])
    for (const text of said) expect(errorLine(result)).toContain(text)
  })

  test('a unit ID that is not one, before any API call', async () => {
    const result = await orgStep({ 'organization-units': 'prod, 200001' })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(
      'Input "organization-units" has a value that is not a unit ID: "prod"'
    )
    expect(emulator.calls).toEqual([])
  })
})

describe('with everything else', () => {
  test('copies on the international site, with a refused member let through as a warning', async () => {
    emulator.site = 'international'
    const subUser = '350000000001'
    emulator
      .addAccounts('sub', [subUser])
      .addBlueprint({ id: BLUEPRINT_ID, region: 'ap-singapore' })
    emulator.organization = organization(OWNER_UIN).addMembers({ uin: subUser, unit: TEST })

    const result = await orgStep({
      region: 'ap-singapore',
      'organization-units': String(TEST),
      'copy-to-regions': 'ap-tokyo',
      'on-account-error': 'warn'
    })

    expect(errorLine(result)).toBe('')
    const copy = (JSON.parse(result.outputs['blueprint-ids']) as Record<string, string>)['ap-tokyo']
    for (const image of [BLUEPRINT_ID, copy]) {
      expect(emulator.sharesOf(image).sort()).toEqual(testing.sort())
    }
    expect(listOutput(result, 'failed-account-ids')).toEqual([subUser])
    expect(result.stdout).toMatch(/::warning::.*350000000001/)
  }, 30_000)
})

test('the keys of the step are never shown', async () => {
  emulator.organization = organization(OWNER_UIN)
  const result = await orgStep({ 'organization-units': 'all' })
  expect(errorLine(result)).toBe('')
  const shown = (result.stdout + result.stderr + result.summary)
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
  expect(shown.join('\n')).not.toContain(SECRET_KEY)
})
