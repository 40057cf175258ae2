/**
 * Every tccli command the step can print or the README and the guides show would run:
 * its action exists in the spec tccli reads, every required parameter is
 * given, and no parameter is one the action does not take.
 */
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { tccliCommands } from '../helpers/tccli-commands.js'

const root = new URL('../../', import.meta.url)
const FACTS = JSON.parse(
  readFileSync(new URL('__tests__/contract/tccli-actions.json', root), 'utf8')
) as { actions: Record<string, Record<string, { parameters: string[]; required: string[] }>> }

const commands = tccliCommands(root)
/** tccli's own options, taken by every command. */
const TCCLI_OPTIONS = ['region', 'profile', 'endpoint', 'output', 'filter']

test('the commands are found, in src/ and in the documents', () => {
  expect(commands.filter((c) => c.where.startsWith('src')).length).toBeGreaterThan(3)
  expect(commands.filter((c) => c.where.endsWith('.md')).length).toBeGreaterThan(5)
})

test('every command names an action tccli has, with its required parameters and no others', () => {
  const wrong = commands.flatMap(({ where, service, action, given }) => {
    const spec = FACTS.actions[service]?.[action]
    if (!spec) return [`${where}: tccli ${service} ${action} is not an action`]
    const missing = spec.required.filter((name) => !given.includes(name))
    const unknown = given.filter(
      (name) => !spec.parameters.includes(name) && !TCCLI_OPTIONS.includes(name)
    )
    return [
      ...(missing.length
        ? [`${where}: tccli ${service} ${action} lacks --${missing.join(', --')}`]
        : []),
      ...(unknown.length
        ? [`${where}: tccli ${service} ${action} has no --${unknown.join(', --')}`]
        : [])
    ]
  })
  expect(wrong).toEqual([])
})

test('the reader sees a command joined over template lines, and its parameters', () => {
  const found = commands.find(
    (c) => c.action === 'ModifyBlueprintAttribute' && c.where.includes('copies')
  )
  expect(found?.given).toEqual(['region', 'BlueprintId', 'Description'])
})
