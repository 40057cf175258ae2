/** The repository's own workflows, and the README's examples that users copy, follow the security habits of well-kept actions. */
import { describe, expect, test } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { parse } from 'yaml'
import { userDocuments } from '../helpers/documents.js'

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

const workflows = readdirSync(new URL('.github/workflows/', root)).map((name) => ({
  name,
  text: read(`.github/workflows/${name}`)
}))

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  'timeout-minutes'?: number
  steps?: Step[]
}

describe.each(workflows)('workflow $name', ({ text }) => {
  const jobs = Object.values((parse(text) as { jobs: Record<string, Job> }).jobs)
  const steps = jobs.flatMap((job) => job.steps ?? [])

  test('pins every third-party action to a full commit SHA, with its version in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line))
    for (const line of uses.filter((l) => !/uses:\s*\.\//.test(l))) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/)
    }
  })

  test('checks out without keeping the token in the git config', () => {
    for (const step of steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
      expect(step.with?.['persist-credentials']).toBe(false)
    }
  })

  test('gives every job a timeout', () => {
    for (const job of jobs) expect(job['timeout-minutes']).toEqual(expect.any(Number))
  })
})

/** Every `run:` script in the YAML examples of the README and the guides (fragments included). */
function readmeRunScripts(): string[] {
  const blocks = userDocuments(root).flatMap(({ text }) =>
    [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
  )
  const scripts: string[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'run' && typeof value === 'string') scripts.push(value)
        else visit(value)
      }
    }
  }
  for (const block of blocks) {
    const indent = Math.min(
      ...block
        .split('\n')
        .filter(Boolean)
        .map((l) => /^ */.exec(l)![0].length)
    )
    visit(
      parse(
        block
          .split('\n')
          .map((l) => l.slice(indent))
          .join('\n')
      )
    )
  }
  return scripts
}

describe('the examples of the README and the guides', () => {
  const scripts = readmeRunScripts()

  test('have run scripts to check', () => {
    expect(scripts.length).toBeGreaterThan(0)
  })

  test('never put an expression straight into a run script: it goes through env', () => {
    for (const script of scripts) expect(script).not.toContain('${{')
  })

  test('write multi-line outputs with a random heredoc delimiter', () => {
    for (const script of scripts.filter((s) => s.includes('<<'))) {
      expect(script).toMatch(/<<\s*"?\$/)
    }
  })
})

test('Dependabot keeps npm and the pinned workflow actions current, grouped, weekly', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    updates: { 'package-ecosystem': string; schedule: { interval: string }; groups?: object }[]
  }
  const ecosystems = config.updates.map((u) => u['package-ecosystem']).sort()
  expect(ecosystems).toEqual(['github-actions', 'npm'])
  for (const update of config.updates) {
    expect(update.schedule.interval).toBe('weekly')
    expect(Object.keys(update.groups ?? {})).toHaveLength(1)
  }
})
