/** Reaching the API through the proxy a self-hosted runner names, and not when no_proxy says so. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { staticCredentials } from '../../src/cloud/credential-provider.js'
import { parseEndpoint } from '../../src/action/inputs/parse.js'
import { createSignedTransport } from '../../src/cloud/api-transport.js'
import { proxyFor, proxyPasswords } from '../../src/cloud/proxy.js'
import type { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import { ConnectProxy } from '../helpers/connect-proxy.js'
import {
  BLUEPRINT_ID,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  rootAccounts,
  shareInputs,
  startEmulator
} from '../helpers/fixtures.js'
import { runAction } from '../helpers/run-action.js'

const PROXY_VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY'
]

describe('proxyFor', () => {
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]))
  beforeEach(() => PROXY_VARIABLES.forEach((name) => delete process.env[name]))
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
  const intl = parseEndpoint('lighthouse.intl.tencentcloudapi.com')

  test('uses HTTPS_PROXY (either case) for the https endpoint', () => {
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128'
    expect(proxyFor(intl)).toBe('http://proxy.corp:3128/')
    delete process.env.HTTPS_PROXY
    process.env.https_proxy = 'http://lower.corp:3128'
    expect(proxyFor(intl)).toBe('http://lower.corp:3128/')
  })

  test('does not use http_proxy for the https endpoint', () => {
    process.env.http_proxy = 'http://proxy.corp:3128'
    expect(proxyFor(intl)).toBeUndefined()
  })

  test('honours NO_PROXY', () => {
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128'
    process.env.NO_PROXY = 'internal.corp,.tencentcloudapi.com'
    expect(proxyFor(intl)).toBeUndefined()
  })

  test('takes a proxy without a scheme as http://, as the toolkit means to', () => {
    process.env.HTTPS_PROXY = 'builder:pa%2Fss@proxy.corp:3128'
    expect(proxyFor(intl)).toBe('http://builder:pa%2Fss@proxy.corp:3128/')
    process.env.HTTPS_PROXY = 'proxy.corp:3128'
    expect(proxyFor(intl)).toBe('http://proxy.corp:3128/')
  })

  test('refuses a scheme it cannot use, without printing the value', () => {
    process.env.HTTPS_PROXY = 'socks5://builder:s3cret@proxy.corp:1080'
    expect(() => proxyFor(intl)).toThrow(
      'HTTPS_PROXY names a socks5 proxy: only http:// and https:// proxies are supported.'
    )
    expect(() => proxyFor(intl)).not.toThrow(/s3cret/)
  })

  test('never proxies a loopback endpoint', () => {
    process.env.HTTP_PROXY = 'http://proxy.corp:3128'
    expect(proxyFor(parseEndpoint('http://127.0.0.1:8080'))).toBeUndefined()
  })
})

describe('proxyPasswords', () => {
  test.each([
    ['http://builder:s3cret@proxy.corp:3128', 's3cret'],
    ['builder:s3cret@proxy.corp:3128', 's3cret'],
    ['socks5://builder:s3cret@proxy.corp:1080', 's3cret']
  ])('finds the password in %s', (value, password) => {
    expect(proxyPasswords({ https_proxy: value })).toContain(password)
  })

  test('masks the decoded form too', () => {
    expect(proxyPasswords({ HTTP_PROXY: 'http://u:p%40ss@proxy:1' })).toEqual(['p%40ss', 'p@ss'])
  })

  test('finds none where there is none', () => {
    expect(proxyPasswords({ HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: 'x' })).toEqual([])
  })
})

describe('the SDK transport', () => {
  let emulator: LighthouseEmulator
  let proxy: ConnectProxy
  beforeEach(async () => {
    emulator = await startEmulator()
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    proxy = new ConnectProxy()
  })
  afterEach(async () => {
    await proxy.stop()
    await emulator.stop()
  })

  test('tunnels through the proxy it is given', async () => {
    const send = createSignedTransport({
      credentials: staticCredentials({ secretId: SECRET_ID, secretKey: SECRET_KEY }),
      region: REGION,
      endpoint: parseEndpoint(emulator.endpoint),
      language: 'en-US',
      requestTimeoutSeconds: 5,
      proxy: await proxy.start()
    })
    await expect(
      send('DescribeBlueprints', { BlueprintIds: [BLUEPRINT_ID] })
    ).resolves.toMatchObject({ TotalCount: 1 })
    expect(proxy.tunnels).toEqual([new URL(emulator.endpoint).host])
  })
})

test('the action goes direct when no_proxy rules exempt the endpoint, even with http_proxy set', async () => {
  const emulator = await startEmulator()
  try {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    // A proxy nobody listens on: used, it would fail every call.
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }), {
      http_proxy: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9'
    })
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
  } finally {
    await emulator.stop()
  }
})
