/**
 * The README's first screen: what the step does, which site the default
 * endpoint serves and how to choose the other, one complete workflow, and
 * where everything else is; then the two set-up commands under their heading.
 */
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { userDocuments } from '../helpers/documents.js'
import { ACTION_METADATA } from '../helpers/run-action.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
/** What a reader sees before scrolling: about 60 lines of the source. */
const firstScreen = readme.split('\n').slice(0, 60).join('\n')

test('the first screen says what the step does and which site the default endpoint serves', () => {
  expect(firstScreen).toContain('`ShareBlueprintAcrossAccounts`')
  const defaultEndpoint = ACTION_METADATA.inputs.endpoint.default!
  const prose = firstScreen.replace(/\s+/g, ' ')
  expect(prose).toContain(
    `The default \`endpoint\`, \`${defaultEndpoint}\`, is the international site's`
  )
  expect(prose).toContain('`endpoint: lighthouse.tencentcloudapi.com`')
})

test('the first screen shows one complete workflow that uses the action', () => {
  const [block] = [...firstScreen.matchAll(/```yaml\n([\s\S]*?)```/g)].map(([, yaml]) => yaml)
  const workflow = parse(block) as {
    on: unknown
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>
  }
  expect(workflow.on).toBeDefined()
  const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.uses))
  expect(uses).toContain('your-org/lighthouse-share-blueprint-action@v1')
})

test('the first screen ends with the contents, which link every guide under docs/', () => {
  expect(firstScreen).toContain('**Contents**')
  const guides = userDocuments(new URL('../../', import.meta.url))
    .map(({ where }) => where)
    .filter((where) => where.startsWith('docs/'))
  const listed = [...firstScreen.matchAll(/\]\((docs\/[a-z-]+\.md)\)/g)].map(([, path]) => path)
  expect(new Set(listed)).toEqual(new Set(guides))
})

test('the two set-up commands stand under their own heading, near the top', () => {
  const heading = readme.indexOf('\n## Try it locally\n')
  expect(heading).toBeGreaterThan(0)
  expect(readme.slice(0, heading).split('\n').length).toBeLessThan(80)
  const setUp = readme.slice(heading, readme.indexOf('\n## ', heading + 1))
  expect(setUp).toContain('npm ci && npm run demo')
  expect(setUp).toContain('npm ci && npm test')
})
