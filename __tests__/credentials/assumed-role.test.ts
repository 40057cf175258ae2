/** The organization role's credentials: assumed with STS AssumeRole, masked, renewed before they expire. */
import { expect, jest, test } from '@jest/globals'
import { ApiError, describeError } from '../../src/cloud/api-errors.js'
import { AssumedRoleCredentials } from '../../src/cloud/assumed-role.js'
import type { Transport } from '../../src/cloud/api-transport.js'
import { CredentialError } from '../../src/cloud/issued-credentials.js'
import { Caller, RateLimiter } from '../../src/cloud/retry.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { logger } from '../helpers/logger.js'

const ROLE = 'qcs::cam::uin/100000000009:roleName/organization-reader'
const SETTINGS = {
  roleArn: ROLE,
  sessionName: 'gh-octo-org-golden-images-1-1',
  durationSeconds: 3600,
  inputName: 'organization-role-arn'
}

function setUp(transport: Transport) {
  const clock = new FakeClock(1_700_000_000_000)
  const setSecret = jest.fn()
  const info = jest.fn<(message: string) => void>()
  const sts = new Caller({
    transport,
    clock,
    random: () => 0,
    limiter: new RateLimiter(100, clock),
    policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    log: logger()
  })
  const provider = new AssumedRoleCredentials(SETTINGS, {
    sts,
    clock,
    setSecret,
    log: logger({ info })
  })
  return { clock, setSecret, info, provider }
}

test('assumes the role once, masks what it gets, and renews them five minutes before they expire', async () => {
  let issued = 0
  const transport = jest.fn<Transport>(async (action, params) => {
    issued += 1
    expect(action).toBe('AssumeRole')
    expect(params).toEqual({
      RoleArn: ROLE,
      RoleSessionName: SETTINGS.sessionName,
      DurationSeconds: 3600
    })
    return {
      RequestId: `req-${issued}`,
      Credentials: {
        TmpSecretId: `id-${issued}`,
        TmpSecretKey: `key-${issued}`,
        Token: `tok-${issued}`
      },
      ExpiredTime: Math.floor(clock.now() / 1000) + 3600
    }
  })
  const { clock, setSecret, info, provider } = setUp(transport)

  const [first, again] = await Promise.all([provider.get(), provider.get()])
  expect(first).toEqual({ secretId: 'id-1', secretKey: 'key-1', sessionToken: 'tok-1' })
  expect(again).toBe(first)
  expect(setSecret.mock.calls.flat()).toEqual(['id-1', 'key-1', 'tok-1'])
  expect(info.mock.calls[0][0]).toContain(`Assumed role ${ROLE} ("organization-role-arn")`)

  clock.advance(3299_000)
  expect((await provider.get()).secretId).toBe('id-1')
  clock.advance(2_000)
  expect((await provider.get()).secretId).toBe('id-2')
  expect(info.mock.calls[1][0]).toMatch(/^Renewed credentials: assumed role/)
  expect(transport).toHaveBeenCalledTimes(2)
})

test('a refusal names the input, the role and the code, and is not retried', async () => {
  const transport = jest.fn<Transport>(async () => {
    throw new ApiError('AssumeRole', 'UnauthorizedOperation', 'not trusted', 'req-9', 'sts')
  })
  const { provider } = setUp(transport)

  const error = await provider.get().catch((e: unknown) => e)
  expect(error).toBeInstanceOf(CredentialError)
  expect(describeError(error)).toContain(
    `Could not assume the role in "organization-role-arn", ${ROLE}: AssumeRole failed: UnauthorizedOperation`
  )
  expect(transport).toHaveBeenCalledTimes(1)
})
