/**
 * Tencent's own Node client (the SDK's CommonClient, with its own HTTP, not
 * only its signer) sends every action the step uses to the emulator on a
 * port that is not 443: the emulator verifies requests as Tencent's
 * algorithm says, so it takes Tencent's clients as it takes the step.
 */
import { describe, expect, test } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import { API_VERSION, ORGANIZATION_VERSION, STS_VERSION } from '../emulator/lighthouse-emulator.js'
import { OrganizationEmulator } from '../emulator/organization.js'
import {
  BLUEPRINT_ID,
  OWNER_UIN,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  emulatorForEachTest,
  rootAccounts
} from '../helpers/fixtures.js'
import { SHARE } from '../helpers/actions.js'

const ROLE = `qcs::cam::uin/${OWNER_UIN}:roleName/organization-reader`
const [account] = rootAccounts(1)

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [account]).addBlueprint({ id: BLUEPRINT_ID })
  created.organization = new OrganizationEmulator(OWNER_UIN).addMembers({ uin: account })
  created.identity.addTrustingRole({ arn: ROLE, trustedAccounts: [OWNER_UIN] })
  created.addCvmImage({ id: 'img-packer01', name: 'golden' })
})

/** Tencent's client for a service and version, to the emulator's host:port over http. */
function client(version: string) {
  return new CommonClient(new URL(emulator.endpoint).host, version, {
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: REGION,
    profile: { httpProfile: { protocol: 'http://', reqTimeout: 10 } }
  })
}

/** Every action the step sends, with parameters it could send. */
const CALLS: [string, string, Record<string, unknown>][] = [
  [API_VERSION, 'DescribeBlueprints', { BlueprintIds: [BLUEPRINT_ID] }],
  [
    API_VERSION,
    'DescribeBlueprintsShareAcrossAccountInfos',
    { BlueprintIds: [BLUEPRINT_ID], Limit: 100 }
  ],
  [API_VERSION, SHARE, { BlueprintId: BLUEPRINT_ID, AccountIds: [account] }],
  [
    API_VERSION,
    'CancelShareBlueprintAcrossAccounts',
    { BlueprintId: BLUEPRINT_ID, AccountIds: [account] }
  ],
  [API_VERSION, 'ModifyBlueprintAttribute', { BlueprintId: BLUEPRINT_ID, Description: 'marked' }],
  [API_VERSION, 'DescribeGeneralResourceQuotas', { ResourceNames: ['BLUEPRINT'] }],
  [
    API_VERSION,
    'SyncBlueprint',
    { BlueprintId: BLUEPRINT_ID, DestinationRegions: ['ap-shanghai'] }
  ],
  [STS_VERSION, 'GetCallerIdentity', {}],
  [STS_VERSION, 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'contract', DurationSeconds: 900 }],
  [ORGANIZATION_VERSION, 'DescribeOrganization', {}],
  [ORGANIZATION_VERSION, 'DescribeOrganizationNodes', { Limit: 50, Offset: 0 }],
  [ORGANIZATION_VERSION, 'DescribeOrganizationMembers', { Limit: 50, Offset: 0 }]
]

describe("Tencent's Node client against the emulator, on a port that is not 443", () => {
  test('the emulator listens on a port of its own', () => {
    expect(new URL(emulator.endpoint).port).not.toBe('')
  })

  test('every action the step uses is accepted and answered, in order', async () => {
    const answered: string[] = []
    for (const [version, action, params] of CALLS) {
      const answer = (await client(version).request(action, params)) as { RequestId?: string }
      if (typeof answer.RequestId === 'string') answered.push(action)
    }
    expect(answered).toEqual(CALLS.map(([, action]) => action))
    expect(emulator.calls.filter((c) => c.outcome !== undefined)).toEqual([])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([])
    expect(emulator.blueprint(BLUEPRINT_ID).description).toBe('marked')
  })

  test('DeleteBlueprints, last: the image is gone', async () => {
    await client(API_VERSION).request('DeleteBlueprints', { BlueprintIds: [BLUEPRINT_ID] })
    expect(emulator.deleted.map((d) => d.id)).toEqual([BLUEPRINT_ID])
  })

  test('a request signed with the wrong key is refused by the same check', async () => {
    const wrong = new CommonClient(new URL(emulator.endpoint).host, API_VERSION, {
      credential: { secretId: SECRET_ID, secretKey: 'not-the-key' },
      region: REGION,
      profile: { httpProfile: { protocol: 'http://', reqTimeout: 10 } }
    })
    await expect(wrong.request('DescribeBlueprints', {})).rejects.toMatchObject({
      code: 'AuthFailure.SignatureFailure'
    })
  })
})
