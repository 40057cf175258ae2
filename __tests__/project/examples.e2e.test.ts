/**
 * The README's examples and the guide to managing shares, run as written
 * against the emulator on the site each names (helpers/example-runs.ts), each
 * checked for what its document says it does.
 */
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import { interpolateAll } from '../helpers/examples.js'
import { SECRET_ID, SECRET_KEY } from '../helpers/fixtures.js'
import { errorLine, listOutput } from '../helpers/run-action.js'
import {
  CHINA_HOST,
  MAIN,
  PULL_REQUEST,
  changeCalls,
  example,
  listed,
  onSiteOf,
  runExample,
  siteOf,
  trustRoles
} from '../helpers/example-runs.js'

describe("the README's first example", () => {
  const step = example('README.md', 'role-arn')
  const accounts = listed(step)
  const built = { needs: { build: { outputs: { 'blueprint-id': 'lhbp-b1d00001' } } } }

  test('shares the built image with its accounts on the default site, and a re-run changes nothing', async () => {
    expect(siteOf(step)).toBe('international')
    await onSiteOf(step, async (emulator) => {
      emulator.addAccounts('root', accounts).addBlueprint({ id: 'lhbp-b1d00001' })
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })

      const first = await runExample(emulator, step, built)
      expect(errorLine(first)).toBe('')
      expect(emulator.sharesOf('lhbp-b1d00001').sort()).toEqual(accounts.sort())
      expect(first.outputs['request-id']).toMatch(/^[0-9a-f-]{36}$/)

      const again = await runExample(emulator, step, built)
      expect(errorLine(again)).toBe('')
      expect(again.outputs.changed).toBe('false')
      expect(listOutput(again, 'already-shared-account-ids')).toEqual(accounts)
    })
  })

  test('with API keys instead, passes its outputs to the next script through env', async () => {
    const withKeys = example('README.md', 'secret-id')
    await onSiteOf(withKeys, async (emulator) => {
      emulator.addAccounts('root', listed(withKeys)).addBlueprint({ id: 'lhbp-b1d00001' })
      const secrets = { TENCENTCLOUD_SECRET_ID: SECRET_ID, TENCENTCLOUD_SECRET_KEY: SECRET_KEY }

      const result = await runExample(emulator, withKeys, { ...built, secrets })

      expect(errorLine(result)).toBe('')
      const [report] = withKeys.after
      const env = interpolateAll(report.env, { steps: { share: { outputs: result.outputs } } })
      const script = spawnSync('bash', ['-e', '-c', report.run!], { env, encoding: 'utf8' })
      expect(script.stdout.trim()).toBe(
        `Shared with ${result.outputs['shared-account-ids']} (RequestId ${result.outputs['request-id']})`
      )
      expect(result.outputs['shared-account-ids']).toBe(JSON.stringify(listed(withKeys)))
    })
  })
})

describe('managing who has the image', () => {
  test('offboarding takes the share from the account, and only from it', async () => {
    const step = example('docs/managing-shares.md', 'revoke-account-ids')
    const [leaver] = listed(step, 'revoke-account-ids')
    await onSiteOf(step, async (emulator) => {
      const keeps = '700000164995'
      emulator
        .addAccounts('root', [leaver, keeps])
        .addBlueprint({ id: step.with['blueprint-id'], sharedWith: [leaver, keeps] })
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })

      const result = await runExample(emulator, step)

      expect(errorLine(result)).toBe('')
      expect(listOutput(result, 'revoked-account-ids')).toEqual([leaver])
      expect(emulator.sharesOf(step.with['blueprint-id'])).toEqual([keeps])
    })
  })

  describe('the file sync', () => {
    const step = example('docs/managing-shares.md', 'account-ids-file')
    const image = step.with['blueprint-id']
    const [kept, added, unlisted] = ['700000164995', '700000283311', '700000999999']
    const roles = (emulator: LighthouseEmulator) => {
      const [reader, sharer] = [...step.with['role-arn'].matchAll(/'(qcs::[^']+)'/g)].map(
        ([, arn]) => arn
      )
      trustRoles(emulator, { [reader]: PULL_REQUEST, [sharer]: MAIN })
      return { reader, sharer }
    }
    const workspace = () => {
      const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
      const file = join(dir, step.with['account-ids-file'])
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${kept}\n${added} # the new customer\n`)
      return dir
    }
    const world = (emulator: LighthouseEmulator) =>
      emulator
        .addAccounts('root', [kept, added, unlisted])
        .addBlueprint({ id: image, sharedWith: [kept, unlisted] })

    test('plans on a pull request with the read-only role, and syncs on a push to main', async () => {
      const dir = workspace()
      await onSiteOf(step, async (emulator) => {
        world(emulator)
        const { reader, sharer } = roles(emulator)
        const env = { GITHUB_WORKSPACE: dir }

        emulator.identity.subject = PULL_REQUEST
        const event = (name: string) => ({ github: { event_name: name } })
        const plan = await runExample(emulator, step, event('pull_request'), env)
        expect(errorLine(plan)).toBe('')
        expect([
          listOutput(plan, 'shared-account-ids'),
          listOutput(plan, 'revoked-account-ids')
        ]).toEqual([[added], [unlisted]])
        expect(changeCalls(emulator)).toEqual([])
        expect(emulator.callsTo('AssumeRoleWithWebIdentity')[0].params.RoleArn).toBe(reader)

        emulator.identity.subject = MAIN
        const sync = await runExample(emulator, step, event('push'), env)
        expect(errorLine(sync)).toBe('')
        expect(emulator.sharesOf(image).sort()).toEqual([kept, added])
        expect(emulator.callsTo('AssumeRoleWithWebIdentity')[1].params.RoleArn).toBe(sharer)
      }).finally(() => rmSync(dir, { recursive: true, force: true }))
    })

    test('needs the China site it names: on the default site it stops before any change', async () => {
      const dir = workspace()
      await onSiteOf(
        step,
        async (emulator) => {
          world(emulator)
          roles(emulator)
          const push = { github: { event_name: 'push' } }
          const result = await runExample(emulator, step, push, { GITHUB_WORKSPACE: dir })
          expect(result.exitCode).toBe(1)
          expect(errorLine(result)).toContain(CHINA_HOST)
          expect(changeCalls(emulator)).toEqual([])
        },
        'international'
      ).finally(() => rmSync(dir, { recursive: true, force: true }))
    })
  })
})
