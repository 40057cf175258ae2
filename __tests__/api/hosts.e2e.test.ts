/**
 * Only the intended hosts ever see a request: a redirect from the Lighthouse
 * or STS endpoint, or from a proxy's CONNECT, is never followed. The bundled
 * action against the emulator, a real CONNECT proxy and a real collector.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { Collector } from '../helpers/collector.js'
import { ConnectProxy } from '../helpers/connect-proxy.js'
import { errorLine, runAction } from '../helpers/run-action.js'

const [account] = rootAccounts(1)
const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [account]).addBlueprint({ id: BLUEPRINT_ID })
})
let collector: Collector
let collectorUrl: string
beforeEach(async () => {
  collector = new Collector()
  collectorUrl = await collector.start()
})
afterEach(() => collector.stop())

test('a 307 from the Lighthouse endpoint is not followed: the collector gets nothing, and it is not retried', async () => {
  emulator.inject('DescribeBlueprints', { kind: 'redirect', status: 307, location: collectorUrl })

  const result = await runAction(shareInputs(emulator, { 'account-ids': account }))

  expect(result.exitCode).toBe(1)
  expect(collector.received).toEqual([])
  expect(errorLine(result)).toContain(
    `answered HTTP 307 with a redirect to ${new URL(collectorUrl).host}, which is not followed`
  )
  expect(emulator.callsTo('DescribeBlueprints')).toHaveLength(1)
})

test('a 307 from the STS endpoint never carries the GitHub OIDC token elsewhere', async () => {
  const roleArn = 'qcs::cam::uin/100000000001:roleName/sharer'
  emulator.identity
    .addProvider('github-actions')
    .addRole({ arn: roleArn, providerId: 'github-actions', subject: '*' })
  emulator.inject('AssumeRoleWithWebIdentity', {
    kind: 'redirect',
    status: 307,
    location: collectorUrl
  })

  const result = await runAction(
    {
      ...shareInputs(emulator, { 'account-ids': account, 'secret-id': '', 'secret-key': '' }),
      'role-arn': roleArn,
      'oidc-provider-id': 'github-actions'
    },
    emulator.idTokenVariables
  )

  expect(result.exitCode).toBe(1)
  expect(collector.received).toEqual([])
  expect(errorLine(result)).toContain('which is not followed')
  expect(emulator.callsTo('AssumeRoleWithWebIdentity')).toHaveLength(1)
})

test("a proxy answering CONNECT with a 307 is a proxy failure naming the proxy's host, never its password", async () => {
  const proxy = new ConnectProxy({
    connectAnswer: `307 Temporary Redirect\r\nLocation: ${collectorUrl}`
  })
  const proxyUrl = new URL(await proxy.start())
  try {
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': account,
        endpoint: 'lighthouse.intl.tencentcloudapi.com'
      }),
      { HTTPS_PROXY: `http://builder:s3cret-proxy-pw@${proxyUrl.host}` }
    )

    expect(result.exitCode).toBe(1)
    expect(collector.received).toEqual([])
    expect(proxy.tunnels).toEqual(['lighthouse.intl.tencentcloudapi.com:443'])
    expect(errorLine(result)).toContain(`the proxy ${proxyUrl.host} answered HTTP 307`)
    const printed = [result.stdout, result.stderr, result.summary]
      .join('\n')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
    expect(printed.join('\n')).not.toContain('s3cret-proxy-pw')
  } finally {
    await proxy.stop()
  }
})

test('a run prints nothing to stderr it did not mean to (no deprecation warnings), on success and on bad input', async () => {
  const ok = await runAction(shareInputs(emulator, { 'account-ids': account }))
  const bad = await runAction(shareInputs(emulator, { 'account-ids': 'not-an-id' }))

  expect(ok.exitCode).toBe(0)
  expect(bad.exitCode).toBe(1)
  expect(ok.stderr).toBe('')
  expect(bad.stderr).toBe('')
})

test('an sts-endpoint outside Tencent Cloud gets a warning: the GitHub OIDC token goes there', async () => {
  const result = await runAction(
    {
      ...shareInputs(emulator, { 'account-ids': account, 'secret-id': '', 'secret-key': '' }),
      'role-arn': 'qcs::cam::uin/100000000001:roleName/sharer',
      'oidc-provider-id': 'github-actions',
      'sts-endpoint': 'https://no-such-host.invalid'
    },
    emulator.idTokenVariables
  )

  expect(result.stdout).toContain(
    '::warning::Input "sts-endpoint" is no-such-host.invalid, which is not a Tencent Cloud API host'
  )
  expect(result.stdout).toContain("the job's GitHub OIDC token goes there")
  expect(result.exitCode).toBe(1)
})

test('an image name with a right-to-left override is shown escaped in the log and the summary', async () => {
  emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden\u202e2202-utnubu' })

  const result = await runAction(shareInputs(emulator, { 'account-ids': account }))

  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('golden\\u202e2202-utnubu')
  expect(result.stdout + result.summary).not.toContain('\u202e')
})
