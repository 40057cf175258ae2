import { describe, expect, jest, test } from '@jest/globals'
import {
  defaultSessionName,
  defaultStsEndpoint,
  maskSecrets,
  readCredentialSettings,
  readOrganizationAccess
} from '../../src/action/inputs/credentials.js'
import { staticCredentials } from '../../src/cloud/credential-provider.js'
import type { Endpoint } from '../../src/cloud/endpoint.js'
import { Inputs } from '../../src/action/inputs/names.js'

/** The inputs a workflow gives, and the environment beside them. */
const inputs = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}): Inputs =>
  new Inputs((name) => values[name] ?? '', env)
const INTL: Endpoint = {
  protocol: 'https://',
  host: 'lighthouse.intl.tencentcloudapi.com',
  source: 'input "endpoint"'
}
const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}, notice = jest.fn()) =>
  readCredentialSettings(inputs(values, env), INTL, notice)

describe('API keys', () => {
  test('come from the inputs first', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'env-id', TENCENTCLOUD_SECRET_KEY: 'env-key' }
    expect(
      read({ 'secret-id': 'in-id', 'secret-key': 'in-key', 'session-token': 'in-token' }, env)
    ).toEqual({
      kind: 'keys',
      credentials: {
        secretId: 'in-id',
        secretKey: 'in-key',
        sessionToken: 'in-token',
        tokenSource: 'input "session-token"'
      }
    })
  })

  test('fall back to the environment', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'env-id', TENCENTCLOUD_SECRET_KEY: ' env-key\n' }
    expect(read({}, env)).toEqual({
      kind: 'keys',
      credentials: { secretId: 'env-id', secretKey: 'env-key', sessionToken: undefined }
    })
  })

  test.each([
    [
      {
        TENCENTCLOUD_SESSION_TOKEN: 'a',
        TENCENTCLOUD_TOKEN: 'b',
        TENCENTCLOUD_SECURITY_TOKEN: 'c'
      },
      'a'
    ],
    [{ TENCENTCLOUD_TOKEN: 'b', TENCENTCLOUD_SECURITY_TOKEN: 'c' }, 'b'],
    [{ TENCENTCLOUD_SECURITY_TOKEN: 'c' }, 'c']
  ])('take the session token from %j in order of preference', (tokens, expected) => {
    const settings = read({ 'secret-id': 'i', 'secret-key': 'k' }, tokens)
    expect(settings).toMatchObject({ credentials: { sessionToken: expected } })
  })

  test('missing: one error naming the inputs and the environment variables', () => {
    expect(() => read({ 'secret-id': 'id' })).toThrow(
      'Missing credentials: "secret-key" (or TENCENTCLOUD_SECRET_KEY). Set "role-arn" and "oidc-provider-id" ' +
        'to use GitHub OIDC (recommended), or the "secret-id" and "secret-key" inputs (from repository secrets), ' +
        'or the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables.'
    )
  })

  test('are described by the first six characters of the key ID only', () => {
    expect(staticCredentials({ secretId: 'AKIDabcdefghijkl', secretKey: 's' }).identity).toBe(
      'API key AKIDab…'
    )
    expect(
      staticCredentials({ secretId: 'AKIDabcdefghijkl', secretKey: 's', sessionToken: 't' })
        .identity
    ).toBe('temporary API key AKIDab…')
  })
})

describe('maskSecrets', () => {
  test('masks every key and token in the inputs and the environment, and nothing else', () => {
    const setSecret = jest.fn()
    maskSecrets(
      inputs(
        { 'secret-id': 'in-id', 'secret-key': 'in-key', region: 'ap-guangzhou' },
        {
          TENCENTCLOUD_SECRET_KEY: 'env-key',
          TENCENTCLOUD_SECURITY_TOKEN: 'env-token',
          TENCENTCLOUD_REGION: 'x'
        }
      ),
      setSecret
    )
    expect(setSecret.mock.calls.map(([s]) => s)).toEqual([
      'in-id',
      'in-key',
      'env-key',
      'env-token'
    ])
  })

  test("masks a proxy's password, as written and decoded", () => {
    const setSecret = jest.fn()
    maskSecrets(
      inputs(
        {},
        { HTTPS_PROXY: 'http://user:p%40ss@proxy.corp:3128', http_proxy: 'proxy.corp:3128' }
      ),
      setSecret
    )
    expect(setSecret.mock.calls.map(([s]) => s)).toEqual(['p%40ss', 'p@ss'])
  })
})

describe('GitHub OIDC', () => {
  const OIDC_ENV = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    GITHUB_REPOSITORY: 'octo-org/golden-images',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '2'
  }
  const ROLE = {
    'role-arn': 'qcs::cam::uin/100000000001:roleName/image-sharer',
    'oidc-provider-id': 'github'
  }

  test('reads the role settings with their defaults', () => {
    expect(read(ROLE, OIDC_ENV)).toEqual({
      kind: 'web-identity',
      settings: {
        roleArn: 'qcs::cam::uin/100000000001:roleName/image-sharer',
        providerId: 'github',
        sessionName: 'gh-octo-org-golden-images-4242-2',
        durationSeconds: 3600,
        audience: 'sts.tencentcloudapi.com',
        stsEndpoint: {
          protocol: 'https://',
          host: 'sts.intl.tencentcloudapi.com',
          source: expect.stringContaining('derived from input "endpoint"')
        }
      }
    })
  })

  test.each([
    'qcs::cam::uin/100000000001:roleName/image-sharer',
    'qcs::cam::uin/100000000001:role/4611686018427397919',
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRole/4611686018427397920',
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRoleName/testServiceRoleName'
  ])('takes every RoleArn form AssumeRole documents: %s', (roleArn) => {
    const settings = read({ ...ROLE, 'role-arn': roleArn }, OIDC_ENV)
    expect(settings.kind === 'web-identity' && settings.settings.roleArn).toBe(roleArn)
  })

  test.each([
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRole/name-not-id',
    'qcs::cam::uin/100000000001:role/otherPrefix/4611686018427397920',
    'qcs::cam::uin/:roleName/x'
  ])('refuses a RoleArn of no documented form: %s', (roleArn) => {
    expect(() => read({ ...ROLE, 'role-arn': roleArn }, OIDC_ENV)).toThrow('is not a CAM role ARN')
  })

  test('takes the session name, duration, audience and STS endpoint given', () => {
    const settings = read(
      {
        ...ROLE,
        'role-session-name': 'nightly-images',
        'role-duration-seconds': '43200',
        'oidc-audience': 'my-audience',
        'sts-endpoint': 'http://127.0.0.1:9000'
      },
      OIDC_ENV
    )
    expect(settings).toMatchObject({
      settings: {
        sessionName: 'nightly-images',
        durationSeconds: 43200,
        audience: 'my-audience',
        stsEndpoint: { protocol: 'http://', host: '127.0.0.1:9000' }
      }
    })
  })

  test('ignores keys in the environment, with a notice', () => {
    const notice = jest.fn()
    const settings = read(
      ROLE,
      { ...OIDC_ENV, TENCENTCLOUD_SECRET_ID: 'id', TENCENTCLOUD_SECRET_KEY: 'k' },
      notice
    )
    expect(settings.kind).toBe('web-identity')
    expect(notice).toHaveBeenCalledWith(
      'Ignoring TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY from the environment: "role-arn" is set, ' +
        'so credentials come from GitHub OIDC.'
    )
  })

  test.each([
    [
      { 'secret-id': 'id', 'secret-key': 'key' },
      'Inputs "role-arn" and "secret-id", "secret-key" are both set: choose one.'
    ],
    [
      { 'role-arn': 'arn:aws:iam::1:role/x' },
      'Input "role-arn" is not a CAM role ARN: "arn:aws:iam::1:role/x".'
    ],
    [{ 'oidc-provider-id': '' }, 'Input "oidc-provider-id" is required with "role-arn"'],
    [
      { 'role-session-name': 'has space' },
      'Input "role-session-name" is not a valid session name: "has space".'
    ],
    [
      { 'role-duration-seconds': '43201' },
      'Input "role-duration-seconds" must be a whole number of seconds from 1 to 43200 ' +
        '(and no more than the role\'s maximum session duration), not "43201".'
    ],
    [
      { 'role-duration-seconds': '1h' },
      'Input "role-duration-seconds" must be a whole number of seconds'
    ],
    [
      { 'sts-endpoint': 'http://sts.tencentcloudapi.com' },
      'Input "sts-endpoint" is not a valid endpoint'
    ]
  ])('refuses %j', (override, message) => {
    expect(() => read({ ...ROLE, ...override }, OIDC_ENV)).toThrow(message)
  })

  test('explains id-token: write when the job has no OIDC token', () => {
    const env = { ...OIDC_ENV, ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }
    expect(() => read(ROLE, env)).toThrow(
      /cannot get a GitHub OIDC token .*Give the job "permissions: id-token: write"\. Pull requests from forks never get a token/
    )
  })
})

describe('defaults', () => {
  test.each([
    ['lighthouse.intl.tencentcloudapi.com', 'sts.intl.tencentcloudapi.com'],
    ['lighthouse.tencentcloudapi.com', 'sts.tencentcloudapi.com'],
    ['127.0.0.1:8080', '127.0.0.1:8080']
  ])('the STS endpoint for %s is %s', (lighthouse, sts) => {
    expect(defaultStsEndpoint({ ...INTL, host: lighthouse }).host).toBe(sts)
  })

  test.each([
    'api.example-gateway.com',
    'tencentcloudapi.com.evil.example',
    'lighthouse.tencentcloudapi.co'
  ])(
    'no STS endpoint is derived from %s, which is not a Tencent Cloud host: the token would go there',
    (host) => {
      expect(() => defaultStsEndpoint({ ...INTL, host })).toThrow(
        new RegExp(
          `"endpoint" is ${host.replace(/\./g, '\\.')}, which is not a Tencent Cloud API host.*Set "sts-endpoint"`
        )
      )
    }
  )

  test('the session name fits STS rules however long the repository name', () => {
    const name = defaultSessionName(
      inputs(
        {},
        {
          GITHUB_REPOSITORY: `octo-org/${'x'.repeat(200)}`,
          GITHUB_RUN_ID: '123456789',
          GITHUB_RUN_ATTEMPT: '3'
        }
      )
    )
    expect(name).toHaveLength(128)
    expect(name).toMatch(/^gh-octo-org-x+-123456789-3$/)
  })

  test('outside a runner the session name is fixed', () => {
    expect(defaultSessionName(inputs({}))).toBe('lighthouse-share-blueprint')
  })
})

describe('organization access', () => {
  const keys = { 'secret-id': 'AKIDx', 'secret-key': 'k' }
  const access = (
    values: Record<string, string>,
    endpoint: Endpoint = INTL,
    notice = jest.fn()
  ) => {
    const settings = readCredentialSettings(inputs(values), endpoint, notice)
    return readOrganizationAccess(inputs(values), endpoint, settings, notice)
  }
  const at = (host: string): Endpoint => ({
    protocol: 'https://',
    host,
    source: 'input "endpoint"'
  })

  test.each([
    ['lighthouse.intl.tencentcloudapi.com', 'organization.intl.tencentcloudapi.com'],
    ['lighthouse.tencentcloudapi.com', 'organization.tencentcloudapi.com'],
    // A regional host names its site; the Organization API is global.
    ['lighthouse.ap-guangzhou.tencentcloudapi.com', 'organization.tencentcloudapi.com'],
    ['lighthouse.ap-singapore.intl.tencentcloudapi.com', 'organization.intl.tencentcloudapi.com']
  ])('with endpoint %s, the organization is read at %s', (endpoint, host) => {
    const read = access({ ...keys, 'organization-units': 'all' }, at(endpoint))
    expect(read?.endpoint).toMatchObject({ protocol: 'https://', host })
    expect(read?.stsEndpoint.host).toBe(endpoint.replace(/^lighthouse\./, 'sts.'))
  })

  test('a loopback endpoint (an emulator) is the organization host too', () => {
    const local: Endpoint = {
      protocol: 'http://',
      host: '127.0.0.1:9000',
      source: 'input "endpoint"'
    }
    expect(access({ ...keys, 'organization-units': 'all' }, local)?.endpoint).toEqual(local)
  })

  test('a host outside Tencent Cloud is refused: signed requests would go there', () => {
    expect(() =>
      access({ ...keys, 'organization-units': 'all' }, at('gateway.example.com'))
    ).toThrow('Input "organization-units" is set and "endpoint" is gateway.example.com')
  })

  test('the role ARN is checked, and ignored with a notice without organization-units', () => {
    expect(() =>
      access({ ...keys, 'organization-units': 'all', 'organization-role-arn': 'reader' })
    ).toThrow('Input "organization-role-arn" is not a CAM role ARN: "reader"')
    const notice = jest.fn()
    const role = 'qcs::cam::uin/100000000009:roleName/organization-reader'
    expect(access({ ...keys, 'organization-role-arn': role }, INTL, notice)).toBeUndefined()
    expect(notice).toHaveBeenCalledWith(
      'Ignoring "organization-role-arn": it is only used with "organization-units".'
    )
  })

  test("the owner is the OIDC role's account; with keys it is asked of STS", () => {
    const oidc = {
      'role-arn': 'qcs::cam::uin/100000000001:roleName/sharer',
      'oidc-provider-id': 'github',
      'organization-units': 'all'
    }
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://t', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }
    const settings = readCredentialSettings(inputs(oidc, env), INTL, jest.fn())
    expect(readOrganizationAccess(inputs(oidc, env), INTL, settings, jest.fn())?.ownerAccount).toBe(
      '100000000001'
    )
    expect(access({ ...keys, 'organization-units': 'all' })?.ownerAccount).toBeUndefined()
  })

  test('role-session-name and sts-endpoint get no "ignored" notice with organization-units', () => {
    const notice = jest.fn()
    access(
      {
        ...keys,
        'organization-units': 'all',
        'role-session-name': 'nightly',
        'sts-endpoint': 'sts.tencentcloudapi.com'
      },
      INTL,
      notice
    )
    expect(notice).not.toHaveBeenCalled()
  })
})
