/**
 * CONTRIBUTING's by-hand run, as written: its shell block, run in bash from
 * the project's root, starts the emulator, runs dist/index.js with the
 * runner's output and summary files, prints what they hold, and stops the
 * emulator, which must then have let go of its port.
 */
import { expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const contributing = readFileSync(`${root}/CONTRIBUTING.md`, 'utf8')
const section = contributing.slice(
  contributing.indexOf('\n## Running the action by hand'),
  contributing.indexOf('\n### With `@github/local-action`')
)
const recipe = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
  .map(([, block]) => block)
  .find((block) => block.includes('node dist/index.js'))

/** Whether anything still answers at the endpoint. */
const answers = (endpoint: string) =>
  new Promise<boolean>((resolve) => {
    const req = request(endpoint, { method: 'POST', timeout: 2_000 }, (res) => {
      res.resume()
      resolve(true)
    })
    req.on('error', () => resolve(false))
    req.end()
  })

test('the by-hand run shares through the emulator, writes its files, and stops the emulator', async () => {
  expect(recipe).toBeDefined()
  // The recipe's own lines, plus one that tells the test where the emulator was.
  const script = `${recipe!}\necho "endpoint: $(jq -r .endpoint "$line")"\nwait\n`
  // The recipe's mktemp files go into a folder of the test's own.
  const temp = mkdtempSync(join(tmpdir(), 'by-hand-'))
  const run = spawnSync('bash', ['-e', '-c', script], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH!, TMPDIR: temp },
    timeout: 60_000
  })
  rmSync(temp, { recursive: true, force: true })

  expect(run.status).toBe(0)
  expect(run.stdout).not.toContain('::set-output')
  // cat "$GITHUB_OUTPUT", then the sed line's one value, then the summary.
  expect(run.stdout).toMatch(/^shared-account-ids<<ghadelimiter_/m)
  expect(run.stdout).toMatch(/^\["200000000002","200000000003"\]$/m)
  expect(run.stdout).toContain('<h2>✅ Share Lighthouse blueprint lhbp-runner01</h2>')
  const endpoint = /^endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.stdout)![1]
  expect(await answers(endpoint)).toBe(false)
}, 90_000)
