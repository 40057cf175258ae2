/**
 * The SDK adapter against the emulator over real HTTP: response shapes,
 * paging, and how every error the API document lists reaches the action.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { ApiError, TransportError } from '../../src/cloud/api-errors.js'
import { staticCredentials } from '../../src/cloud/credential-provider.js'
import { parseEndpoint } from '../../src/action/inputs/parse.js'
import { createLighthouseApi, type LighthouseApi } from '../../src/cloud/lighthouse.js'
import { createSignedTransport } from '../../src/cloud/api-transport.js'
import { systemClock } from '../../src/common/clock.js'
import { Caller, RateLimiter } from '../../src/cloud/retry.js'
import { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import {
  BLUEPRINT_ID,
  OWNER_UIN,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  rootAccounts
} from '../helpers/fixtures.js'
import { logger } from '../helpers/logger.js'

let emulator: LighthouseEmulator
let api: LighthouseApi
const debugLines: string[] = []

/** One attempt per call: these tests look at what a single answer becomes. */
function apiFor(
  secretKey = SECRET_KEY,
  sessionToken?: string,
  requestTimeoutSeconds = 5
): LighthouseApi {
  const transport = createSignedTransport({
    credentials: staticCredentials({ secretId: SECRET_ID, secretKey, sessionToken }),
    region: REGION,
    endpoint: parseEndpoint(emulator.endpoint),
    language: 'en-US',
    requestTimeoutSeconds
  })
  return createLighthouseApi(
    new Caller({
      transport,
      clock: systemClock,
      random: () => 0,
      limiter: new RateLimiter(1000, systemClock),
      policy: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      log: logger({ debug: (line) => debugLines.push(line) })
    })
  )
}

beforeEach(async () => {
  emulator = new LighthouseEmulator({ ownerUin: OWNER_UIN })
  await emulator.start()
  emulator.addCredential({ secretId: SECRET_ID, secretKey: SECRET_KEY })
  emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden-ubuntu' })
  api = apiFor()
})
afterEach(async () => {
  await emulator.stop()
  // Held to Tencent's spec, as in every end-to-end test.
  if (emulator.violations.length > 0) throw new Error(emulator.violations.join('\n'))
})

async function failure(promise: Promise<unknown>): Promise<ApiError | TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (error instanceof ApiError || error instanceof TransportError) return error
  throw new Error(`expected an API failure, got ${String(error)}`)
}

describe('describeBlueprint', () => {
  test('returns the state, type and name', async () => {
    emulator.setBlueprintState(BLUEPRINT_ID, 'SYNCING')
    await expect(api.describeBlueprint(BLUEPRINT_ID)).resolves.toEqual({
      createdTime: '2026-11-01T00:00:00Z',
      imageId: '',
      id: BLUEPRINT_ID,
      state: 'SYNCING',
      type: 'PRIVATE',
      name: 'golden-ubuntu',
      nameAsGiven: 'golden-ubuntu',
      description: '',
      createdAt: Date.parse('2026-11-01T00:00:00Z')
    })
  })

  test('returns undefined for an ID the region does not have', async () => {
    await expect(api.describeBlueprint('lhbp-00000000')).resolves.toBeUndefined()
  })
})

describe('listCustomImages', () => {
  const images = (count: number) => {
    for (let i = 0; i < count; i++) {
      emulator.addBlueprint({
        id: `lhbp-img${String(i).padStart(5, '0')}`,
        createdTime: new Date(Date.UTC(2026, 10, 1) - i * 60_000).toISOString()
      })
    }
  }

  test('an image made between two pages (one read twice) makes the list be read again, each image once', async () => {
    images(150)
    emulator.before(
      'DescribeBlueprints',
      () => emulator.addBlueprint({ id: 'lhbp-newimage', createdTime: '2026-12-01T00:00:00Z' }),
      { nth: 2 }
    )
    const listed = await api.listCustomImages()
    expect(listed.map((b) => b.id)).toHaveLength(152)
    expect(new Set(listed.map((b) => b.id)).size).toBe(152)
    expect(emulator.callsTo('DescribeBlueprints').map((c) => c.params.Offset)).toEqual([
      0, 100, 0, 100
    ])
  })

  test('a list that changes at every read is refused, not used', async () => {
    images(150)
    for (const nth of [2, 4, 6]) {
      emulator.before(
        'DescribeBlueprints',
        () => emulator.addBlueprint({ id: `lhbp-moving0${nth}` }),
        { nth }
      )
    }
    await expect(api.listCustomImages()).rejects.toThrow(
      'DescribeBlueprints: the list changed while it was read'
    )
  })
})

describe('listSharedAccounts', () => {
  test('reads every page, 100 at a time, and no page twice', async () => {
    const shared = rootAccounts(250)
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: shared })
    const before = emulator.calls.length
    await expect(api.listSharedAccounts(BLUEPRINT_ID)).resolves.toEqual(shared)
    // The first page says how many there are; the rest are asked for together.
    const pages = emulator.calls.slice(before).map((c) => c.params.Offset as number)
    expect(pages[0]).toBe(0)
    expect(pages.sort((x, y) => x - y)).toEqual([0, 100, 200])
  })

  test('a share made between two pages makes the list be read again, each account once', async () => {
    const shared = rootAccounts(150)
    emulator.addAccounts('root', ['900000000001'])
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: shared })
    emulator.before(
      'DescribeBlueprintsShareAcrossAccountInfos',
      () => emulator.blueprint(BLUEPRINT_ID).shares.set('900000000001', '2026-12-01T00:00:00Z'),
      { nth: 2 }
    )
    const accounts = await api.listSharedAccounts(BLUEPRINT_ID)
    expect(accounts).toHaveLength(151)
    expect(new Set(accounts).size).toBe(151)
    expect(emulator.callsTo('DescribeBlueprintsShareAcrossAccountInfos')).toHaveLength(4)
  })

  test('makes one call when exactly one full page exists', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: rootAccounts(100) })
    const before = emulator.calls.length
    await expect(api.listSharedAccounts(BLUEPRINT_ID)).resolves.toHaveLength(100)
    expect(emulator.calls.length - before).toBe(1)
  })
})

describe('findSharedAccounts', () => {
  test('asks about five accounts a call and returns those that have the share', async () => {
    const accounts = rootAccounts(12)
    emulator.addBlueprint({
      id: BLUEPRINT_ID,
      sharedWith: [accounts[1], accounts[7], accounts[11]]
    })
    const before = emulator.calls.length
    await expect(api.findSharedAccounts(BLUEPRINT_ID, accounts)).resolves.toEqual([
      accounts[1],
      accounts[7],
      accounts[11]
    ])
    const filters = emulator.calls
      .slice(before)
      .map((c) => (c.params.Filters as { Values: string[] }[])[0].Values)
    expect(filters).toEqual([accounts.slice(0, 5), accounts.slice(5, 10), accounts.slice(10)])
  })
})

describe('shareBlueprint', () => {
  test('shares and resolves to the RequestId the API gave', async () => {
    const accounts = rootAccounts(2)
    emulator.addAccounts('root', accounts)
    const requestId = await api.shareBlueprint(BLUEPRINT_ID, accounts)
    expect(requestId).toBe(emulator.calls.at(-1)?.requestId)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts)
  })
})

describe('errors the API answers with', () => {
  const account = '300000000001'
  // Codes the emulator reaches from its own state, each set up as a real account would meet it.
  const fromState: [string, () => void, string?][] = [
    [
      'InvalidParameterValue.AccountIdInvalidAccountArea',
      () => emulator.addAccounts('other-site', [account])
    ],
    ['InvalidParameterValue.AccountIdSameWithUin', () => undefined, OWNER_UIN],
    ['InvalidParameterValue.AccountIdsNotExist', () => undefined],
    [
      'InvalidParameterValue.AccountIdsNotOwnerAccount',
      () => emulator.addAccounts('sub', [account])
    ],
    [
      'InvalidParameterValue.InvalidBlueprintId',
      () => emulator.addBlueprint({ id: BLUEPRINT_ID, type: 'PUBLIC' })
    ],
    [
      'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded',
      () =>
        emulator.addAccounts('root', [account]).addBlueprint({ id: BLUEPRINT_ID, shareQuota: 0 })
    ],
    [
      'UnsupportedOperation.BlueprintAlreadyShared',
      () => emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [account] })
    ],
    [
      'UnsupportedOperation.BlueprintCurStateInvalid',
      () => emulator.setBlueprintState(BLUEPRINT_ID, 'SYNCING')
    ],
    [
      'UnauthorizedOperation.NoPermission',
      () =>
        emulator.addCredential({
          secretId: SECRET_ID,
          secretKey: SECRET_KEY,
          allowedActions: ['DescribeBlueprints']
        })
    ],
    [
      'UnauthorizedOperation.TokenInvalid',
      () =>
        emulator.addCredential({
          secretId: SECRET_ID,
          secretKey: SECRET_KEY,
          token: 'the-real-token'
        })
    ]
  ]

  test.each(fromState)(
    '%s, with its RequestId and a hint',
    async (code, setUp, accountId = account) => {
      setUp()
      const error = await failure(api.shareBlueprint(BLUEPRINT_ID, [accountId]))
      expect(error).toBeInstanceOf(ApiError)
      const apiError = error as ApiError
      expect(apiError.code).toBe(code)
      expect(apiError.requestId).toBe(emulator.calls.at(-1)?.requestId)
      expect(apiError.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(apiError.hint).toEqual(expect.any(String))
      expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(
        code.endsWith('AlreadyShared') ? [account] : []
      )
    }
  )

  test.each([
    ['InvalidParameterValue.BlueprintIdMalformed', 'lhbp-BAD'],
    ['ResourceNotFound.PrivateBlueprintNotFound', 'lhbp-00000000']
  ])('%s for blueprint %s', async (code, blueprintId) => {
    emulator.addAccounts('root', [account])
    const error = await failure(api.shareBlueprint(blueprintId, [account]))
    expect(error).toMatchObject({ code })
  })

  test('the shares of an unknown image read as none: Tencent lists no not-found code for that read', async () => {
    await expect(api.listSharedAccounts('lhbp-00000000')).resolves.toEqual([])
  })

  // Codes that depend on what else happens to the image at the time: injected.
  test.each([
    'FailedOperation',
    'FailedOperation.ShareBlueprintAcrossAccountFailed',
    'OperationDenied.BlueprintOperationInProgress',
    'ResourceInUse.BlueprintModifyingSharePermission',
    'UnsupportedOperation.BlueprintLatestOperationUnfinished',
    'UnsupportedOperation.BlueprintOccupied'
  ])('%s (injected), with its RequestId and a hint', async (code) => {
    emulator.addAccounts('root', [account])
    emulator.inject('ShareBlueprintAcrossAccounts', { kind: 'error', code })
    const error = await failure(api.shareBlueprint(BLUEPRINT_ID, [account]))
    expect(error).toMatchObject({ code, requestId: emulator.calls.at(-1)?.requestId })
    expect((error as ApiError).hint).toEqual(expect.any(String))
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([])
  })

  test('AuthFailure.SignatureFailure for a wrong secret key', async () => {
    const error = await failure(apiFor('not-the-key').describeBlueprint(BLUEPRINT_ID))
    expect(error).toMatchObject({ code: 'AuthFailure.SignatureFailure' })
  })

  test('temporary credentials work only with their token', async () => {
    emulator.addCredential({ secretId: SECRET_ID, secretKey: SECRET_KEY, token: 'tok' })
    await expect(apiFor(SECRET_KEY, 'tok').describeBlueprint(BLUEPRINT_ID)).resolves.toBeDefined()
    await expect(
      failure(apiFor(SECRET_KEY, 'other').describeBlueprint(BLUEPRINT_ID))
    ).resolves.toMatchObject({
      code: 'UnauthorizedOperation.TokenInvalid'
    })
  })
})

describe('failures without an API answer', () => {
  test('an HTTP 502 from the gateway', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'http', status: 502 })
    const error = await failure(api.describeBlueprint(BLUEPRINT_ID))
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({ httpStatus: 502 })
  })

  test('a dropped connection', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'drop' })
    expect(await failure(api.describeBlueprint(BLUEPRINT_ID))).toBeInstanceOf(TransportError)
  })

  test('a body that is not JSON', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'non-json' })
    const error = await failure(api.describeBlueprint(BLUEPRINT_ID))
    expect(error).toBeInstanceOf(TransportError)
    expect(error.message).toMatch(/json/i)
  })

  test('a request that takes longer than the timeout', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'delay', ms: 3000 })
    const started = Date.now()
    const error = await failure(apiFor(SECRET_KEY, undefined, 1).describeBlueprint(BLUEPRINT_ID))
    expect(error).toBeInstanceOf(TransportError)
    expect(Date.now() - started).toBeLessThan(2500)
  })

  test('the fault hits only the Nth call', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'http', status: 503 }, { nth: 2 })
    await expect(api.describeBlueprint(BLUEPRINT_ID)).resolves.toBeDefined()
    await expect(failure(api.describeBlueprint(BLUEPRINT_ID))).resolves.toMatchObject({
      httpStatus: 503
    })
    await expect(api.describeBlueprint(BLUEPRINT_ID)).resolves.toBeDefined()
  })
})

test('debug lines name the action and RequestId, never a secret', async () => {
  debugLines.length = 0
  await api.describeBlueprint(BLUEPRINT_ID)
  emulator.inject('DescribeBlueprints', { kind: 'error', code: 'InternalError' })
  await failure(api.describeBlueprint(BLUEPRINT_ID))
  expect(debugLines[0]).toMatch(
    /^DescribeBlueprints attempt 1: ok in \d+ ms, RequestId [0-9a-f-]{36}$/
  )
  expect(debugLines[1]).toMatch(
    /^DescribeBlueprints attempt 1: InternalError, RequestId [0-9a-f-]{36} after \d+ ms$/
  )
  expect(debugLines.join('\n')).not.toContain(SECRET_KEY)
})
