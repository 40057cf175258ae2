/**
 * The live check (.github/workflows/live.yml) played here step by step, as
 * the runner would run it, against the emulator on each site: each `if:` and
 * `${{ }}` evaluated by GitHub's own evaluator with the repository variables
 * set, each `uses: ./` step as `node dist/index.js` (the endpoint pointed at
 * the emulator), each check script in bash. Before anyone gives the check a
 * real account, its checks must hold for what the action does on both sites.
 */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { truthy } from '@actions/expressions/result'
import { parse } from 'yaml'
import type { Site } from '../emulator/spec.js'
import { evaluate, interpolateAll, statusFunctions, type Value } from '../helpers/examples.js'
import { trustRoles, MAIN, CHINA_HOST } from '../helpers/example-runs.js'
import { OWNER_UIN, startEmulator } from '../helpers/fixtures.js'
import { parseOutputFile, runAction } from '../helpers/run-action.js'

interface Step {
  id?: string
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}
interface Job {
  env: Record<string, string>
  steps: Step[]
}
const job = (
  parse(readFileSync(new URL('../../.github/workflows/live.yml', import.meta.url), 'utf8')) as {
    jobs: { live: Job }
  }
).jobs.live

const IMAGE = 'lhbp-live0001'
const SECOND = '700000164995'
const HOSTS: Record<Site, string> = {
  china: CHINA_HOST,
  international: 'lighthouse.intl.tencentcloudapi.com'
}

/** What each step did: skipped, or its exit status. */
type Ran = { step: string; status: number | 'skipped' }[]

/** Plays the job with these repository variables against an emulator of `site`. */
async function playLiveJob(site: Site, vars: Record<string, string>): Promise<Ran> {
  const emulator = await startEmulator(site)
  const dir = mkdtempSync(join(tmpdir(), 'live-job-'))
  try {
    emulator.addAccounts('root', [SECOND]).addBlueprint({ id: IMAGE })
    trustRoles(emulator, { [`qcs::cam::uin/${OWNER_UIN}:roleName/live-check`]: MAIN })
    const steps: Record<string, Value> = {}
    const context = () => ({ vars, steps })
    const resolved = (values?: Record<string, string>) => interpolateAll(values, context())
    const jobEnv = resolved(job.env)
    const ran: Ran = []
    for (const step of job.steps) {
      const name = step.id ?? step.name ?? step.uses ?? ''
      const succeeded = ran.every(({ status }) => status === 'skipped' || status === 0)
      const condition = step.if ?? 'success()'
      if (!truthy(evaluate(condition, context(), statusFunctions(succeeded)))) {
        ran.push({ step: name, status: 'skipped' })
      } else if (step.uses === './') {
        const inputs = resolved(step.with)
        expect(inputs.endpoint).toBe(HOSTS[site])
        const result = await runAction(
          { ...inputs, endpoint: emulator.endpoint },
          emulator.idTokenVariables
        )
        if (step.id) steps[step.id] = { outputs: result.outputs }
        ran.push({ step: name, status: result.exitCode ?? -1 })
      } else if (step.run) {
        const output = join(dir, `${ran.length}.out`)
        writeFileSync(output, '')
        const env = { PATH: process.env.PATH!, GITHUB_OUTPUT: output, ...jobEnv }
        const script = spawnSync('bash', ['-e', '-c', step.run], {
          env: { ...env, ...resolved(step.env) },
          encoding: 'utf8'
        })
        if (step.id) steps[step.id] = { outputs: parseOutputFile(readFileSync(output, 'utf8')) }
        ran.push({ step: name, status: script.status ?? -1 })
      } else {
        ran.push({ step: name, status: 0 }) // actions/checkout: nothing to check here
      }
    }
    expect(emulator.violations).toEqual([])
    return ran
  } finally {
    await emulator.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const configured = (site: Site): Record<string, string> => ({
  LIVE_ROLE_ARN: `qcs::cam::uin/${OWNER_UIN}:roleName/live-check`,
  LIVE_OIDC_PROVIDER_ID: 'github-actions',
  LIVE_BLUEPRINT_ID: IMAGE,
  LIVE_REGION: 'ap-guangzhou',
  LIVE_SECOND_ACCOUNT_ID: SECOND,
  ...(site === 'china' ? { LIVE_ENDPOINT: CHINA_HOST } : {})
})

describe('the live check', () => {
  test.each<Site>(['china', 'international'])(
    'passes every step against the %s site, as it would against the real API',
    async (site) => {
      const ran = await playLiveJob(site, configured(site))

      expect(ran.filter(({ status }) => status !== 0)).toEqual([])
      expect(ran.filter(({ step }) => /^(reset|dry|share|rerun|revoke)$/.test(step))).toHaveLength(
        5
      )
    },
    60_000
  )

  test('skips every step but the configuration check while a variable is missing', async () => {
    const missing = { ...configured('international'), LIVE_ROLE_ARN: '' }

    const ran = await playLiveJob('international', missing)

    expect(ran[0]).toEqual({ step: 'config', status: 0 })
    expect(ran.slice(1).every(({ status }) => status === 'skipped')).toBe(true)
  })
})
