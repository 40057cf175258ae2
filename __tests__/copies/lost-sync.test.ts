/**
 * SyncBlueprint is not idempotent: when its last allowed attempt's answer is
 * lost too, the copy it may have made is looked for before the region is
 * given up, so a copy that exists is reported and shared, never "could not
 * copy". In process, with one attempt allowed, so no backoff is waited.
 */
import { expect, test } from '@jest/globals'
import { run } from '../../src/action/main.js'
import { DEFAULT_RETRY_POLICY } from '../../src/cloud/retry.js'
import { emulatorForEachTest, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { runtimeWith } from '../helpers/runtime.js'

const SOURCE = 'ap-singapore'
const [a] = rootAccounts(1)
const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a]).addBlueprint({ id: 'lhbp-src00001', region: SOURCE })
})

test('a copy made by a call whose only answer was lost is found, reported and shared', async () => {
  emulator.inject('SyncBlueprint', { kind: 'lose-answer' })
  const inputs = shareInputs(emulator, {
    'blueprint-id': 'lhbp-src00001',
    region: SOURCE,
    'account-ids': a,
    'copy-to-regions': 'ap-tokyo'
  })
  const outputs: Record<string, string> = {}
  let failed: string | undefined

  await run(
    runtimeWith({
      getInput: (name) => inputs[name] ?? '',
      setOutput: (name, value) => (outputs[name] = String(value)),
      setFailed: (message) => (failed = message),
      retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 }
    })
  )

  expect(failed).toBeUndefined()
  expect(emulator.callsTo('SyncBlueprint')).toHaveLength(1)
  const [copy] = emulator.blueprintsIn('ap-tokyo')
  expect(JSON.parse(outputs['blueprint-ids'])).toEqual({
    [SOURCE]: 'lhbp-src00001',
    'ap-tokyo': copy.id
  })
  expect(emulator.sharesOf(copy.id)).toEqual([a])
})
