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

/** A README table's rows: the name in its first cell, then the other cells. */
function readmeRows(heading: string, next: string): { name: string; cells: string[] }[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(
    readme.indexOf(`\n## ${heading}\n`),
    readme.indexOf(`\n## ${next}\n`)
  )
  return [...section.matchAll(/^\| `([a-z-]+)` \|(.*)\|$/gm)].map(([, name, rest]) => ({
    name,
    cells: rest.split(' | ').map((cell) => cell.trim())
  }))
}

const inputRows = readmeRows('Inputs', 'Outputs')
const outputRows = readmeRows('Outputs', 'How it works')
const description = (name: string) => ACTION_METADATA.inputs[name].description
const outputDescription = (name: string) => ACTION_METADATA.outputs[name].description

/** How a text marks what is new in 1.1.0: the whole entry, a part of it, or nothing. */
const sinceMark = (text: string) =>
  /\*\*Since 1\.1\.0\.\*\*|Since 1\.1\.0\.$/.test(text.trim())
    ? 'entry'
    : /since 1\.1\.0/i.test(text)
      ? 'part'
      : 'none'
/** The input names a sentence of action.yml (or a README cell) names. */
const inputsNamed = (text: string) =>
  declaredInputs.filter((name) => new RegExp(`(^|[^a-z-])${name}([^a-z-]|$)`).test(text))
/** The sentence of a description that starts with a word, e.g. "Required" or "Defaults". */
const sentence = (text: string, start: string) =>
  new RegExp(`(?:^|\\. )(${start}[^.]*(?:\\.[a-z][^.]*)*)`).exec(text.replace(/\s+/g, ' '))?.[1]

describe("the README's tables and action.yml", () => {
  test('list the same inputs in the same order', () => {
    expect(inputRows.map((row) => row.name)).toEqual(Object.keys(ACTION_METADATA.inputs))
  })

  test('list the same outputs in the same order', () => {
    expect(outputRows.map((row) => row.name)).toEqual(Object.keys(ACTION_METADATA.outputs))
  })

  test('give each declared default', () => {
    const withDefaults = inputRows.filter(({ name }) => name in declaredDefaults)
    expect(withDefaults.map((r) => [r.name, r.cells[0]])).toEqual(
      withDefaults.map((r) => [r.name, `\`${declaredDefaults[r.name]}\``])
    )
  })

  test('name the same default where the runner has none: an environment variable, a derived value', () => {
    const derived = inputRows.filter(
      ({ name, cells }) =>
        !(name in declaredDefaults) && cells[0] && !cells[0].startsWith('required')
    )
    expect(derived.length).toBeGreaterThan(0)
    for (const { name, cells } of derived) {
      const declared = sentence(description(name), 'Defaults to')
      expect({ name, declared: declared !== undefined }).toEqual({ name, declared: true })
      for (const [, token] of cells[0].matchAll(/`([^`]+)`/g)) {
        expect({ name, token, inDescription: declared!.includes(token) }).toEqual({
          name,
          token,
          inDescription: true
        })
      }
    }
  })

  test('say an input is required in the same cases, naming the same inputs', () => {
    for (const { name, cells } of inputRows) {
      const readme = cells[0].startsWith('required') ? cells[0] : undefined
      const declared = sentence(description(name), 'Required')
      expect({ name, readme: readme && inputsNamed(readme) }).toEqual({
        name,
        readme: declared && inputsNamed(declared)
      })
    }
  })

  test('mark the same inputs and outputs as new in 1.1.0, wholly or in part', () => {
    const marks = (rows: { name: string; cells: string[] }[]) =>
      rows.map(({ name, cells }) => [name, sinceMark(cells.at(-1)!)])
    expect(marks(inputRows)).toEqual(
      inputRows.map(({ name }) => [name, sinceMark(description(name))])
    )
    expect(marks(outputRows)).toEqual(
      outputRows.map(({ name }) => [name, sinceMark(outputDescription(name))])
    )
    expect(
      marks([...inputRows, ...outputRows]).filter(([, mark]) => mark !== 'none').length
    ).toBeGreaterThan(0)
  })
})
