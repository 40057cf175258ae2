/** The emulator's own behaviour that the action's tests rely on but do not reach. */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/common_client.js'
import type { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import {
  BLUEPRINT_ID,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  rootAccounts,
  startEmulator
} from '../helpers/fixtures.js'

let emulator: LighthouseEmulator
/** Tencent's own SDK client, calling Lighthouse actions by name as the per-product client does. */
let client: CommonClient
beforeEach(async () => {
  emulator = await startEmulator()
  const [protocol, host] = emulator.endpoint.split('//')
  client = new CommonClient(host, '2020-03-24', {
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: REGION,
    profile: { httpProfile: { endpoint: host, protocol: `${protocol}//` } }
  })
})
afterEach(() => emulator.stop())

test('CancelShareBlueprintAcrossAccounts removes shares and refuses accounts without one', async () => {
  const [a, b, c] = rootAccounts(3)
  emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [a, b] }).addAccounts('root', [c])
  await client.request('CancelShareBlueprintAcrossAccounts', {
    BlueprintId: BLUEPRINT_ID,
    AccountIds: [a]
  })
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([b])
  await expect(
    client.request('CancelShareBlueprintAcrossAccounts', {
      BlueprintId: BLUEPRINT_ID,
      AccountIds: [b, c]
    })
  ).rejects.toMatchObject({ code: 'UnsupportedOperation.BlueprintHasNotShared' })
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([b])
})

test('more than the allowed requests a second to one action get RequestLimitExceeded', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID })
  emulator.requestsPerSecond = 3
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, () =>
      client.request('DescribeBlueprints', { BlueprintIds: [BLUEPRINT_ID] })
    )
  )
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
  expect(emulator.calls.map((c) => c.outcome).filter(Boolean)).toEqual([
    'RequestLimitExceeded',
    'RequestLimitExceeded'
  ])
  // Another action has its own allowance.
  await expect(
    client.request('DescribeBlueprintsShareAcrossAccountInfos', { BlueprintIds: [BLUEPRINT_ID] })
  ).resolves.toMatchObject({ TotalCount: 0 })
})

test('share calls take at most ten accounts and the share-info filter at most five', async () => {
  const accounts = rootAccounts(11)
  emulator.addBlueprint({ id: BLUEPRINT_ID }).addAccounts('root', accounts)
  await expect(
    client.request('ShareBlueprintAcrossAccounts', {
      BlueprintId: BLUEPRINT_ID,
      AccountIds: accounts
    })
  ).rejects.toMatchObject({ code: 'InvalidParameterValue' })
  await expect(
    client.request('DescribeBlueprintsShareAcrossAccountInfos', {
      BlueprintIds: [BLUEPRINT_ID],
      Filters: [{ Name: 'account-id', Values: accounts.slice(0, 6) }]
    })
  ).rejects.toMatchObject({ code: 'InvalidParameterValue' })
})

test('an unsupported region and an unknown action are refused', async () => {
  const host = emulator.endpoint.split('//')[1]
  const elsewhere = new CommonClient(host, '2020-03-24', {
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: 'mars-north-1',
    profile: { httpProfile: { endpoint: host, protocol: 'http://' } }
  })
  await expect(elsewhere.request('DescribeBlueprints', {})).rejects.toMatchObject({
    code: 'UnsupportedRegion'
  })
  await expect(client.request('RunWorld', {})).rejects.toMatchObject({ code: 'InvalidAction' })
})
