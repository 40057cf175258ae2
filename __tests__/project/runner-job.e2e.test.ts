/**
 * The CI job that runs the action with `uses: ./` on a hosted runner, played
 * here step by step: the step that starts scripts/emulator.ts in the
 * background, run in bash as the runner runs it (its shell ends, so the later
 * steps reach the emulator only if it outlives that shell), each `uses: ./`
 * step as `node dist/index.js` with the step's inputs, and each check script
 * in bash with the step outputs it reads. A change to action.yml, the
 * emulator script or the job that would break the job breaks this test.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parse } from 'yaml'
import { interpolateAll, type Value } from '../helpers/examples.js'
import { parseOutputFile, runAction, type ActionResult } from '../helpers/run-action.js'

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}

const root = new URL('../../', import.meta.url)
const ci = parse(readFileSync(new URL('.github/workflows/ci.yml', root), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>
}
const steps = ci.jobs.action.steps

let starter: ChildProcess
let runnerTemp: string
let endpoint: string
beforeAll(async () => {
  runnerTemp = mkdtempSync(join(tmpdir(), 'runner-'))
  const output = join(runnerTemp, 'output')
  // On a free port, so that a run here never collides with anything on the job's port.
  const script = steps
    .find((step) => step.id === 'emulator')!
    .run!.replace(/--port \d+/, '--port 0')
  // A process group of its own: afterAll ends the emulator it leaves behind.
  starter = spawn('bash', ['-e', '-c', script], {
    cwd: root,
    detached: true,
    env: { ...process.env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: output },
    stdio: ['ignore', 'inherit', 'inherit']
  })
  const [status] = (await once(starter, 'exit')) as [number | null]
  if (status !== 0) throw new Error(`The step that starts the emulator exited with ${status}.`)
  endpoint = parseOutputFile(readFileSync(output, 'utf8')).endpoint
}, 30_000)
afterAll(() => {
  rmSync(runnerTemp, { recursive: true, force: true })
  try {
    process.kill(-starter.pid!, 'SIGTERM')
  } catch {
    // Nothing is left of it: the test above says why.
  }
})

test("the CI job's `uses: ./` steps and checks pass against the emulator script", async () => {
  // The steps context: what each step set, as later steps' ${{ steps.ID.outputs.NAME }} read it.
  const done: Record<string, Value> = { emulator: { outputs: { endpoint } } }
  /** What each step did, as the job's log would show it: its kind and its exit status. */
  const ran: { step: string; status: number | null; detail: string }[] = []
  for (const step of steps) {
    if (step.uses === './') {
      const result: ActionResult = await runAction(interpolateAll(step.with, { steps: done }))
      done[step.id!] = { outputs: result.outputs }
      ran.push({ step: `uses ${step.id}`, status: result.exitCode, detail: result.stdout })
    } else if (step.run && step.env) {
      const env = interpolateAll(step.env, { steps: done })
      const check = spawnSync('bash', ['-e', '-c', step.run], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8'
      })
      ran.push({ step: 'check', status: check.status, detail: `${step.run}\n${check.stderr}` })
    }
  }
  expect(ran).toEqual(
    ['uses share', 'check', 'uses rerun', 'check'].map((step) =>
      expect.objectContaining({ step, status: 0 })
    )
  )
}, 60_000)

test('the standalone emulator plays a world file: the site, images in several regions, refused accounts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'world-'))
  const world = join(dir, 'world.json')
  writeFileSync(
    world,
    JSON.stringify({
      site: 'international',
      images: [
        {
          id: 'lhbp-golden01',
          region: 'ap-singapore',
          name: 'golden',
          sharedWith: ['200000000001']
        },
        { id: 'lhbp-golden02', region: 'ap-tokyo', name: 'other' }
      ],
      accounts: { root: ['200000000001', '200000000002'], sub: ['300000000001'] }
    })
  )
  const tsx = new URL('node_modules/.bin/tsx', root).pathname
  const server = spawn(tsx, [new URL('scripts/emulator.ts', root).pathname, '--world', world], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  try {
    const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]()
    const setup = JSON.parse((await lines.next()).value as string) as Record<string, string>
    expect(setup).toMatchObject({
      site: 'international',
      blueprintId: 'lhbp-golden01',
      region: 'ap-singapore'
    })

    const result = await runAction({
      'blueprint-id': setup.blueprintId,
      region: setup.region,
      'account-ids': '200000000001, 200000000002, 300000000001',
      endpoint: setup.endpoint,
      'secret-id': setup.secretId,
      'secret-key': setup.secretKey,
      'on-account-error': 'warn'
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('The current shares cannot be read here (InvalidAction)')
    expect(result.outputs['failed-account-ids']).toBe('["300000000001"]')
    expect(result.outputs['already-shared-account-ids']).toBe('["200000000001"]')
  } finally {
    server.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)
