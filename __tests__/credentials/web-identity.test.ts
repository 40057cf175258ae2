import { INPUT_TERMS } from '../../src/action/inputs/terms.js'
import { describe, expect, jest, test } from '@jest/globals'
import { ApiError } from '../../src/cloud/api-errors.js'
import type { WebIdentitySettings } from '../../src/cloud/credential-provider.js'
import { Caller, RateLimiter } from '../../src/cloud/retry.js'
import type { Transport } from '../../src/cloud/api-transport.js'
import { CredentialError } from '../../src/cloud/issued-credentials.js'
import { WebIdentityCredentials } from '../../src/cloud/web-identity.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { logger } from '../helpers/logger.js'

const SETTINGS: WebIdentitySettings = {
  roleArn: 'qcs::cam::uin/100000000001:roleName/sharer',
  providerId: 'github',
  sessionName: 'gh-octo-org-golden-images-1-1',
  durationSeconds: 3600,
  audience: 'sts.tencentcloudapi.com',
  stsEndpoint: {
    protocol: 'https://',
    host: 'sts.intl.tencentcloudapi.com',
    source: 'input "sts-endpoint"'
  }
}
const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }

function setUp(
  lifetimeSeconds: number,
  fetchIdToken = jest.fn(async (audience: string) => `token-for-${audience}`)
) {
  const clock = new FakeClock(1_700_000_000_000)
  let issued = 0
  const transport = jest.fn<Transport>(async (_action, params) => {
    issued += 1
    return {
      RequestId: `req-${issued}`,
      params,
      Credentials: {
        TmpSecretId: `id-${issued}`,
        TmpSecretKey: `key-${issued}`,
        Token: `tok-${issued}`
      },
      ExpiredTime: Math.floor(clock.now() / 1000) + lifetimeSeconds
    }
  })
  const setSecret = jest.fn()
  const info = jest.fn()
  const debug = jest.fn<(message: string) => void>()
  const sts = new Caller({
    transport,
    clock,
    random: () => 0,
    limiter: new RateLimiter(100, clock),
    policy,
    log: logger()
  })
  const provider = new WebIdentityCredentials(SETTINGS, {
    fetchIdToken,
    sts,
    clock,
    random: () => 0,
    policy,
    setSecret,
    log: logger({ info, debug })
  })
  return { provider, clock, transport, setSecret, info, debug, fetchIdToken }
}

describe('WebIdentityCredentials', () => {
  test('assumes the role with the token for the audience, masks what it gets, and reuses it', async () => {
    const { provider, transport, setSecret, fetchIdToken } = setUp(3600)
    await expect(provider.get()).resolves.toEqual({
      secretId: 'id-1',
      secretKey: 'key-1',
      sessionToken: 'tok-1'
    })
    await provider.get()
    expect(fetchIdToken).toHaveBeenCalledTimes(1)
    expect(fetchIdToken).toHaveBeenCalledWith('sts.tencentcloudapi.com')
    expect(transport.mock.calls[0]).toEqual([
      'AssumeRoleWithWebIdentity',
      {
        ProviderId: 'github',
        WebIdentityToken: 'token-for-sts.tencentcloudapi.com',
        RoleArn: SETTINGS.roleArn,
        RoleSessionName: SETTINGS.sessionName,
        DurationSeconds: 3600
      }
    ])
    expect(setSecret.mock.calls.map(([s]) => s)).toEqual(['id-1', 'key-1', 'tok-1'])
    expect(provider.identity).toBe(`role ${SETTINGS.roleArn} (session ${SETTINGS.sessionName})`)
  })

  test('renews five minutes before a one-hour credential expires', async () => {
    const { provider, clock, transport } = setUp(3600)
    await provider.get()
    clock.advance(54 * 60_000 + 59_000)
    await provider.get()
    expect(transport).toHaveBeenCalledTimes(1)
    clock.advance(1000)
    await expect(provider.get()).resolves.toMatchObject({ secretId: 'id-2' })
  })

  test('renews a short-lived credential with a quarter of its life left', async () => {
    const { provider, clock, transport } = setUp(40)
    await provider.get()
    clock.advance(29_000)
    await provider.get()
    expect(transport).toHaveBeenCalledTimes(1)
    clock.advance(1000)
    await provider.get()
    expect(transport).toHaveBeenCalledTimes(2)
  })

  test("credentials whose ExpiredTime is already past on the runner's clock are not assumed again on every call", async () => {
    // A runner clock ahead of the API's, or a stale ExpiredTime as in the spec's own example.
    const { provider, clock, transport } = setUp(-600)
    await provider.get()
    await provider.get()
    clock.advance(30 * 60_000)
    await provider.get()
    expect(transport).toHaveBeenCalledTimes(1)
    // Timed from the lifetime asked for (3600 s), on the runner's clock.
    clock.advance(25 * 60_000)
    await provider.get()
    expect(transport).toHaveBeenCalledTimes(2)
  })

  test('an answer without credentials is no answer: STS is asked again', async () => {
    const { provider, transport } = setUp(3600)
    transport.mockResolvedValueOnce({ RequestId: 'r-0', Credentials: { TmpSecretId: 'id-0' } })
    await expect(provider.get()).resolves.toMatchObject({ secretId: 'id-1' })
    expect(transport).toHaveBeenCalledTimes(2)
  })

  test('asks for the GitHub token again when it fails, a bounded number of times', async () => {
    const flaky = jest
      .fn(async (audience: string) => `token-for-${audience}`)
      .mockRejectedValueOnce(new Error('Failed to get ID Token. Error Code : 503'))
    await expect(setUp(3600, flaky).provider.get()).resolves.toMatchObject({ secretId: 'id-1' })

    const broken = jest.fn(async (): Promise<string> => {
      throw new Error('Failed to get ID Token. Error Code : 500')
    })
    const error = await setUp(3600, broken)
      .provider.get()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CredentialError)
    expect((error as Error).message).toBe(
      'Could not get a GitHub OIDC token for audience sts.tencentcloudapi.com after 3 attempts: ' +
        'Failed to get ID Token. Error Code : 500'
    )
    expect(broken).toHaveBeenCalledTimes(3)
  })

  test('an STS error becomes a CredentialError with the code, RequestId and hint', async () => {
    const { provider, transport } = setUp(3600)
    transport.mockRejectedValueOnce(
      new ApiError(
        'AssumeRoleWithWebIdentity',
        'InternalError.GetRoleError',
        'Role not found.',
        'req-x',
        'sts',
        false,
        { terms: INPUT_TERMS }
      )
    )
    await expect(provider.get()).rejects.toThrow(
      `Could not assume role ${SETTINGS.roleArn} with the GitHub OIDC token: AssumeRoleWithWebIdentity failed: ` +
        'InternalError.GetRoleError: Role not found. (RequestId: req-x). STS could not get the role: check "role-arn" ' +
        '(the account ID, and the role name or ID), and that the role exists in CAM.'
    )
  })

  describe("the job's token claims", () => {
    const claims = {
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/x:pull_request'
    }
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`

    test('are logged at debug level, without the signature', async () => {
      const { provider, debug } = setUp(
        3600,
        jest.fn(async () => jwt)
      )
      await provider.get()
      const line = debug.mock.calls.map(([m]) => m).find((m) => m.includes('claims'))
      expect(line).toBe(
        `GitHub OIDC token claims (without the signature): ${JSON.stringify(claims)}`
      )
      expect(line).not.toContain('c2lnbmF0dXJl')
    })

    test("name the job's sub when the trust policy refuses it", async () => {
      const { provider, transport } = setUp(
        3600,
        jest.fn(async () => jwt)
      )
      transport.mockRejectedValueOnce(
        new ApiError('AssumeRoleWithWebIdentity', 'UnauthorizedOperation', 'denied', 'r', 'sts')
      )
      await expect(provider.get()).rejects.toThrow(
        `This job's token has sub "repo:octo-org/x:pull_request".`
      )
    })
  })
})
