/** The rough edges a new team meets, as a runner runs the bundled action against the emulator. */
import { expect, test } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emulatorWithImage, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'

const accounts = rootAccounts(4)
const emulator = emulatorWithImage(accounts, {}, (created) => {
  created.addAccounts('sub', ['300000000001'])
})

test('account-ids-file is read from the workspace, as if in account-ids, with comments; both give the union', async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'workspace-'))
  try {
    await writeFile(
      join(workspace, 'accounts.txt'),
      `# customers\n${accounts[1]} # staging\n${accounts[2]}\n`
    )

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': accounts[0], 'account-ids-file': 'accounts.txt' }),
      { GITHUB_WORKSPACE: workspace }
    )

    expect(errorLine(result)).toBe('')
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts.slice(0, 3))
  } finally {
    await rm(workspace, { recursive: true, force: true })
  }
})

test('a missing account-ids-file is an input error naming the path, before any call', async () => {
  const result = await runAction(shareInputs(emulator, { 'account-ids-file': 'nope/accounts.txt' }))

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain(
    'Input "account-ids-file" names nope/accounts.txt, which cannot be read'
  )
  expect(emulator.calls).toHaveLength(0)
})

test("the action's own list output can be passed back in as account-ids", async () => {
  const first = await runAction(
    shareInputs(emulator, { 'account-ids': [accounts[0], '300000000001'].join(',') })
  )
  expect(listOutput(first, 'failed-account-ids')).toEqual(['300000000001'])

  const again = await runAction(
    shareInputs(emulator, { 'account-ids': first.outputs['shared-account-ids'] })
  )

  expect(errorLine(again)).toBe('')
  expect(listOutput(again, 'already-shared-account-ids')).toEqual([accounts[0]])
})

test('an endpoint without a scheme to a plain-http server fails at once, naming endpoint and http://', async () => {
  const host = new URL(emulator.endpoint).host
  const started = Date.now()

  const result = await runAction(
    shareInputs(emulator, { 'account-ids': accounts[0], endpoint: host })
  )

  expect(result.exitCode).toBe(1)
  expect(Date.now() - started).toBeLessThan(5000)
  expect(errorLine(result)).toContain(`${host} does not answer https`)
  expect(errorLine(result)).toContain(`plain http needs http://${host}`)
})

test('a loopback endpoint where nothing listens fails at once, not after eight attempts', async () => {
  const started = Date.now()

  const result = await runAction(
    shareInputs(emulator, { 'account-ids': accounts[0], endpoint: 'http://127.0.0.1:9' })
  )

  expect(result.exitCode).toBe(1)
  expect(Date.now() - started).toBeLessThan(5000)
  expect(errorLine(result)).toContain('nothing listens at http://127.0.0.1:9 (connection refused)')
})

test('a run that succeeded with warnings heads its summary with a warning sign', async () => {
  const result = await runAction(
    shareInputs(emulator, {
      'account-ids': `${accounts[0]},300000000001`,
      'on-account-error': 'warn'
    })
  )

  expect(result.exitCode).toBe(0)
  expect(result.summary).toContain('<h2>⚠️ Share Lighthouse blueprint')
})

test('a single-region run says copy: "source"; an image that was not found is not in blueprint-ids', async () => {
  const ok = await runAction(shareInputs(emulator, { 'account-ids': accounts[0] }))
  expect(JSON.parse(ok.outputs.regions)).toMatchObject({ 'ap-guangzhou': { copy: 'source' } })

  const missing = await runAction(
    shareInputs(emulator, { 'account-ids': accounts[0], 'blueprint-id': 'lhbp-00000000' })
  )
  expect(missing.exitCode).toBe(1)
  expect(JSON.parse(missing.outputs['blueprint-ids'])).toEqual({})
})

test('a session token from the environment that the API refuses is named by its variable', async () => {
  emulator.addCredential({
    secretId: 'AKIDtemporaryKey000000001',
    secretKey: 'tmp-secret',
    token: 'right-token'
  })

  const result = await runAction(
    shareInputs(emulator, {
      'account-ids': accounts[0],
      'secret-id': 'AKIDtemporaryKey000000001',
      'secret-key': 'tmp-secret'
    }),
    { TENCENTCLOUD_TOKEN: 'wrong-token' }
  )

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain('UnauthorizedOperation.TokenInvalid')
  expect(errorLine(result)).toContain('check the TENCENTCLOUD_TOKEN environment variable')
})
