/**
 * The source region's other images of the same name are read when a copy is
 * recognised by its name, not earlier: a build of that name (and its unmarked
 * copy, from a concurrent run between its SyncBlueprint and its mark) that
 * appears while the step waits for the chosen image makes the copy region
 * unclear, and nothing there changes; the other build's copy is never taken.
 */
import { expect, test } from '@jest/globals'
import { emulatorForEachTest, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { runAction } from '../helpers/run-action.js'
import { hoursAgo } from '../helpers/builds.js'

const SOURCE = 'ap-singapore'
const COPIES = 'ap-tokyo'
const NAME = 'golden-ubuntu-24.04'
const B1 = 'lhbp-bld00001'
const B2 = 'lhbp-bld00002'
const B2_COPY = 'lhbp-cpy00002'
const [a] = rootAccounts(1)

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a]).addBlueprint({
    id: B1,
    region: SOURCE,
    name: NAME,
    createdTime: hoursAgo(1),
    state: 'CREATING'
  })
})

test('a copy of another build that appears while the chosen image is awaited is not taken for its copy', async () => {
  // The first DescribeBlueprints is the name lookup (B1 is the newest "golden-ubuntu-24.04");
  // before the second (the first wait poll), another build of that name and its unmarked copy appear.
  emulator.before(
    'DescribeBlueprints',
    () => {
      emulator
        .addBlueprint({ id: B2, region: SOURCE, name: NAME, createdTime: new Date().toISOString() })
        .addBlueprint({
          id: B2_COPY,
          region: COPIES,
          name: NAME,
          createdTime: new Date().toISOString(),
          state: 'SYNCING'
        })
      emulator.blueprint(B2_COPY).copiedFrom = B2
      emulator.setBlueprintState(B1, 'NORMAL', 500)
      emulator.setBlueprintState(B2_COPY, 'NORMAL', 500)
    },
    { nth: 2 }
  )

  const result = await runAction(
    shareInputs(emulator, {
      'blueprint-id': '',
      'blueprint-name': NAME,
      region: SOURCE,
      'account-ids': a,
      'copy-to-regions': COPIES
    })
  )

  // B2's copy is not B1's: it must be neither marked as B1's copy nor shared with B1's accounts.
  expect(emulator.blueprint(B2_COPY).description ?? '').not.toContain(B1)
  expect(emulator.sharesOf(B2_COPY)).toEqual([])
  expect(result.exitCode).toBe(1)
}, 90_000)
