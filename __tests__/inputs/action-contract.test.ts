/**
 * action.yml is the contract with the runner: the inputs the code reads, with
 * the same defaults, the outputs it sets, and the README's input table.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { INPUT, INPUT_DEFAULTS } from '../../src/action/inputs/names.js'
import { run } from '../../src/action/main.js'
import { runtimeWith } from '../helpers/runtime.js'
import {
  BLUEPRINT_ID,
  rootAccounts,
  shareInputs,
  emulatorForEachTest
} from '../helpers/fixtures.js'
import { ACTION_METADATA } from '../helpers/run-action.js'

const declaredInputs = Object.keys(ACTION_METADATA.inputs).sort()
const declaredOutputs = Object.keys(ACTION_METADATA.outputs).sort()
const declaredDefaults = Object.fromEntries(
  Object.entries(ACTION_METADATA.inputs)
    .filter(([, input]) => input.default !== undefined)
    .map(([name, input]) => [name, String(input.default)])
)

const emulator = emulatorForEachTest((emulator) => {
  emulator.addAccounts('root', rootAccounts(2)).addBlueprint({ id: BLUEPRINT_ID })
  emulator.identity.addProvider('github').addRole({
    arn: 'qcs::cam::uin/100000000001:roleName/sharer',
    providerId: 'github',
    subject: '*'
  })
})

/** Runs the action in process and notes every input it reads and every output it sets. */
async function readsAndSets(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const read = new Set<string>()
  const set = new Set<string>()
  let failed: string | undefined
  const runtime = runtimeWith({
    getInput: (name) => (read.add(name), inputs[name] ?? ''),
    setOutput: (name) => set.add(name),
    setFailed: (message) => (failed = message),
    getIdToken: async (audience) => emulator.identity.idToken(audience),
    env
  })
  await run(runtime)
  expect(failed).toBeUndefined()
  return { read, set }
}

describe('action.yml and the code', () => {
  test('declare the same inputs: every one the code reads, and none it does not', async () => {
    const withKeys = await readsAndSets(
      shareInputs(emulator, { 'account-ids': rootAccounts(2).join(',') })
    )
    const withRole = await readsAndSets(
      {
        ...shareInputs(emulator, { 'account-ids': rootAccounts(1).join(',') }),
        'secret-id': '',
        'secret-key': '',
        'role-arn': 'qcs::cam::uin/100000000001:roleName/sharer',
        'oidc-provider-id': 'github'
      },
      emulator.idTokenVariables
    )
    const read = [...new Set([...withKeys.read, ...withRole.read])].sort()
    expect(read).toEqual(declaredInputs)
  })

  test('name every input in one table, and only the inputs action.yml declares', () => {
    expect(Object.values(INPUT).sort()).toEqual(declaredInputs)
  })

  test('declare the same outputs: every one the code sets, and none it does not', async () => {
    const { set } = await readsAndSets(shareInputs(emulator, { 'account-ids': rootAccounts(1)[0] }))
    expect([...set].sort()).toEqual(declaredOutputs)
  })

  test("declare the same defaults: the code's are action.yml's", () => {
    expect(INPUT_DEFAULTS).toEqual(declaredDefaults)
  })

  // blueprint-id or blueprint-name: one of the two, which the runner cannot say; the code checks it first.
  test('mark no input as required', () => {
    const required = Object.entries(ACTION_METADATA.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name)
    expect(required).toEqual([])
  })
})

describe("the README's input table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  // The table of the Inputs section (blueprint-id is an output too).
  const inputsSection = readme.slice(readme.indexOf('\n## Inputs'), readme.indexOf('\n## Outputs'))
  const inputRows = [...inputsSection.matchAll(/^\| `([a-z-]+)` +\| ([^|]*)\|/gm)].map(
    ([, name, defaultCell]) => ({ name, defaultCell: defaultCell.trim() })
  )

  test('lists every input of action.yml, and no other', () => {
    expect(inputRows.map((r) => r.name).sort()).toEqual(declaredInputs)
  })

  test('gives each declared default', () => {
    const withDefaults = inputRows.filter(({ name }) => name in declaredDefaults)
    expect(withDefaults.map((r) => [r.name, r.defaultCell])).toEqual(
      withDefaults.map((r) => [r.name, `\`${declaredDefaults[r.name]}\``])
    )
  })
})
