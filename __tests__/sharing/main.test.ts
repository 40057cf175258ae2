/** run() in process, with a fake toolkit and the real SDK transport against the emulator. */
import { expect, test } from '@jest/globals'
import { createSignedTransport } from '../../src/cloud/api-transport.js'
import { run, type Runtime } from '../../src/action/main.js'
import { runtimeWith } from '../helpers/runtime.js'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { logger } from '../helpers/logger.js'

const emulator = emulatorForEachTest()

interface Recorded {
  outputs: Record<string, string>
  failed: string[]
  logs: string[]
}

function runtimeFor(
  inputs: Record<string, string>,
  requestTimeoutSeconds: number
): [Runtime, Recorded] {
  const recorded: Recorded = { outputs: {}, failed: [], logs: [] }
  const runtime = runtimeWith({
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => (recorded.outputs[name] = value),
    setFailed: (message) => recorded.failed.push(message),
    log: logger({
      info: (message) => recorded.logs.push(message),
      warning: (message) => recorded.logs.push(`warning: ${message}`),
      notice: (message) => recorded.logs.push(`notice: ${message}`),
      debug: (message) => recorded.logs.push(`debug: ${message}`)
    }),
    // The changes from the real runtime: a request timeout short enough for a test, and no jitter.
    createTransport: (options) => createSignedTransport({ ...options, requestTimeoutSeconds }),
    random: () => 0
  })
  return [runtime, recorded]
}

test('a hung request times out and is retried, so it cannot stall the step', async () => {
  const [a] = rootAccounts(1)
  emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
  emulator.inject('DescribeBlueprints', { kind: 'delay', ms: 10_000 })
  const [runtime, recorded] = runtimeFor(shareInputs(emulator, { 'account-ids': a }), 1)

  const started = Date.now()
  await run(runtime)

  expect(recorded.failed).toEqual([])
  expect(Date.now() - started).toBeLessThan(5000)
  expect(emulator.callsTo('DescribeBlueprints')).toHaveLength(2)
  expect(recorded.logs).toContainEqual(
    expect.stringMatching(
      /^debug: DescribeBlueprints attempt 1: no answer within 1 s after 1\d{3} ms; retrying/
    )
  )
  expect(recorded.outputs['shared-account-ids']).toBe(JSON.stringify([a]))
})

test('a share call that hangs past its timeout is checked before it is tried again', async () => {
  const accounts = rootAccounts(2)
  emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
  emulator.inject('ShareBlueprintAcrossAccounts', { kind: 'delay', ms: 10_000 })
  const [runtime, recorded] = runtimeFor(
    shareInputs(emulator, { 'account-ids': accounts.join(',') }),
    1
  )

  await run(runtime)

  expect(recorded.failed).toEqual([])
  expect(emulator.actions).toEqual([
    'DescribeBlueprints',
    'DescribeBlueprintsShareAcrossAccountInfos',
    'ShareBlueprintAcrossAccounts',
    'DescribeBlueprintsShareAcrossAccountInfos',
    'ShareBlueprintAcrossAccounts'
  ])
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts)
})

test('a job summary that cannot be written is a warning, not a failed share', async () => {
  const [a] = rootAccounts(1)
  emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
  const [runtime, recorded] = runtimeFor(shareInputs(emulator, { 'account-ids': a }), 5)
  const failingWrite = {
    addHeading: () => failingWrite,
    addTable: () => failingWrite,
    addRaw: () => failingWrite,
    write: () => Promise.reject(new Error('EACCES: permission denied'))
  }
  runtime.summary = failingWrite

  await run(runtime)

  expect(recorded.failed).toEqual([])
  expect(recorded.logs).toContain(
    'warning: Could not write the job summary: EACCES: permission denied'
  )
  expect(recorded.outputs['shared-account-ids']).toBe(JSON.stringify([a]))
})
