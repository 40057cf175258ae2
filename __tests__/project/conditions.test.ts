/**
 * Every `if:` in the README, CONTRIBUTING, the docs and the project's
 * workflows does what its text says: each is evaluated with GitHub's own
 * expression evaluator (@actions/expressions) against the events it is meant
 * for. A new `if:` fails this test until its cases are written here.
 */
import { expect, test } from '@jest/globals'
import { truthy } from '@actions/expressions/result'
import { evaluate, statusFunctions, type Value } from '../helpers/examples.js'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The cases here are of runs that are going well. */
const evaluateCondition = (expression: string, context: Record<string, Value>): boolean =>
  truthy(evaluate(expression, context, statusFunctions()))

const REPOSITORY = 'octo-org/golden-images'
/** The github context of the events the project's conditions are meant for. */
const EVENTS: Record<string, Value> = {
  'push to main': { event_name: 'push', ref: 'refs/heads/main', repository: REPOSITORY, event: {} },
  'push to a branch': {
    event_name: 'push',
    ref: 'refs/heads/feature',
    repository: REPOSITORY,
    event: {}
  },
  'same-repository pull request': {
    event_name: 'pull_request',
    ref: 'refs/pull/7/merge',
    repository: REPOSITORY,
    event: { pull_request: { head: { repo: { full_name: REPOSITORY } } } }
  },
  'fork pull request': {
    event_name: 'pull_request',
    ref: 'refs/pull/8/merge',
    repository: REPOSITORY,
    event: { pull_request: { head: { repo: { full_name: 'someone/golden-images' } } } }
  },
  schedule: { event_name: 'schedule', ref: 'refs/heads/main', repository: REPOSITORY, event: {} }
}

/** Each condition, and what it must give: per event, or per step outputs. */
const CASES: Record<string, { context: Record<string, Value>; expected: boolean }[]> = {
  "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository":
    Object.entries({
      'push to main': true,
      'same-repository pull request': true,
      'fork pull request': false,
      schedule: true
    }).map(([event, expected]) => ({ context: { github: EVENTS[event] }, expected })),
  "github.ref == 'refs/heads/main'": [
    { context: { github: EVENTS['push to main'] }, expected: true },
    { context: { github: EVENTS['push to a branch'] }, expected: false }
  ],
  "steps.config.outputs.configured == 'true'": [
    { context: { steps: { config: { outputs: { configured: 'true' } } } }, expected: true },
    { context: { steps: { config: { outputs: { configured: 'false' } } } }, expected: false }
  ],
  "always() && steps.config.outputs.configured == 'true'": [
    { context: { steps: { config: { outputs: { configured: 'true' } } } }, expected: true },
    { context: { steps: { config: { outputs: { configured: 'false' } } } }, expected: false }
  ]
}

/** Every `if:` condition written in the project's documents and workflows, `${{ }}` taken off. */
function conditions(): { where: string; expression: string }[] {
  const files = [
    'README.md',
    'CONTRIBUTING.md',
    ...['docs', '.github/workflows'].flatMap((folder) =>
      existsSync(join(root, folder))
        ? readdirSync(join(root, folder)).map((name) => `${folder}/${name}`)
        : []
    )
  ]
  return files.flatMap((where) =>
    [...readFileSync(join(root, where), 'utf8').matchAll(/\bif:\s*([^\n`]+)/g)].map(([, raw]) => ({
      where,
      expression: raw
        .trim()
        .replace(/^\$\{\{\s*|\s*\}\}$/g, '')
        .replace(/\.$/, '')
    }))
  )
}

test('every condition the project writes has its cases here', () => {
  const found = conditions()
  expect(found.length).toBeGreaterThan(5)
  expect(found.filter(({ expression }) => !(expression in CASES))).toEqual([])
})

test.each(Object.entries(CASES))('%s does what it says', (expression, cases) => {
  for (const { context, expected } of cases) {
    expect([JSON.stringify(context), evaluateCondition(expression, context)]).toEqual([
      JSON.stringify(context),
      expected
    ])
  }
})

test('the evaluator tells the cases apart: the old fork advice skipped the push to main', () => {
  const old = 'github.event.pull_request.head.repo.full_name == github.repository'
  expect(evaluateCondition(old, { github: EVENTS['push to main'] })).toBe(false)
  expect(evaluateCondition(old, { github: EVENTS['same-repository pull request'] })).toBe(true)
})
