/**
 * The guides' main examples (copies, families, organizations, Packer, the
 * audit), run as written against the emulator on the site each names
 * (helpers/example-runs.ts), each checked for what its guide says it does.
 */
import { describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { OrganizationEmulator } from '../emulator/organization.js'
import { OWNER_UIN } from '../helpers/fixtures.js'
import { errorLine, listOutput } from '../helpers/run-action.js'
import { daysAgo } from '../helpers/builds.js'
import {
  MAIN,
  changeCalls,
  example,
  listed,
  onSiteOf,
  runExample,
  trustRoles
} from '../helpers/example-runs.js'

describe('the guides', () => {
  test('copies: the image and every copy are shared with the same accounts', async () => {
    const step = example('docs/copies.md', 'copy-to-regions')
    const regions = [step.with.region, ...listed(step, 'copy-to-regions')]
    await onSiteOf(step, async (emulator) => {
      emulator
        .addAccounts('root', listed(step))
        .addBlueprint({ id: 'lhbp-b1d00001', region: step.with.region, name: 'golden' })
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })
      const built = { needs: { build: { outputs: { 'blueprint-id': 'lhbp-b1d00001' } } } }

      const result = await runExample(emulator, step, built)

      expect(errorLine(result)).toBe('')
      const ids = JSON.parse(result.outputs['blueprint-ids']) as Record<string, string>
      expect(Object.keys(ids).sort()).toEqual(regions.sort())
      for (const id of Object.values(ids)) {
        expect(emulator.sharesOf(id).sort()).toEqual(listed(step).sort())
      }
    })
  })

  test("copies made some other way: each matrix entry shares its own region's image", async () => {
    const step = example('docs/copies.md', 'region', /matrix\./)
    expect(step.matrix.length).toBeGreaterThan(1)
    await onSiteOf(step, async (emulator) => {
      emulator.addAccounts('root', listed(step))
      for (const entry of step.matrix) {
        emulator.addBlueprint({ id: entry['blueprint-id'], region: entry.region })
      }
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })

      for (const entry of step.matrix) {
        const result = await runExample(emulator, step, { matrix: entry })
        expect(errorLine(result)).toBe('')
        expect(JSON.parse(result.outputs['blueprint-ids'])).toEqual({
          [entry.region]: entry['blueprint-id']
        })
      }
      for (const { 'blueprint-id': id } of step.matrix) {
        expect(emulator.sharesOf(id).sort()).toEqual(listed(step).sort())
      }
    })
  })

  test('families: the newest two builds keep their shares, and five images stay', async () => {
    const step = example('docs/families.md', 'family')
    const weeks = [43, 44, 45, 46, 47, 48, 49].map((week) => ({
      id: `lhbp-w${week}00000`,
      name: `golden-ubuntu-2026-w${week}`,
      createdTime: daysAgo(49 - week + 0.1)
    }))
    const accounts = listed(step)
    await onSiteOf(step, async (emulator) => {
      emulator.addAccounts('root', accounts)
      for (const week of weeks.slice(0, -1))
        emulator.addBlueprint({ ...week, sharedWith: accounts })
      emulator.addBlueprint(weeks.at(-1)!)
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })
      const thisWeek = { steps: { week: { outputs: { name: weeks.at(-1)!.name } } } }

      const result = await runExample(emulator, step, thisWeek)

      expect(errorLine(result)).toBe('')
      const [w43, w44, w45, w46, w47, w48, w49] = weeks.map((week) => week.id)
      const kept = [w45, w46, w47, w48, w49]
      expect(kept.map((id) => emulator.sharesOf(id).length)).toEqual([0, 0, 0, 2, 2])
      const deleted = JSON.parse(result.outputs['deleted-blueprint-ids']) as Record<
        string,
        string[]
      >
      // Only the image's own region has old versions; its copies were made by this run.
      expect(Object.entries(deleted).filter(([, ids]) => ids.length > 0)).toEqual([
        [step.with.region, expect.arrayContaining([w43, w44])]
      ])
      expect(deleted[step.with.region]).toHaveLength(2)
      const ids = JSON.parse(result.outputs['blueprint-ids']) as Record<string, string>
      expect(Object.keys(ids)).toHaveLength(1 + listed(step, 'copy-to-regions').length)
      for (const id of Object.values(ids)) expect(emulator.sharesOf(id).sort()).toEqual(accounts)
    })
  })

  test('organization: the members of the units listed, and a leaver loses the share', async () => {
    const step = example('docs/organization.md', 'organization-units')
    const [prod, test] = listed(step, 'organization-units').map(Number)
    const [inProd, inProdEu, inTest, elsewhere, leaver] = [1, 2, 3, 4, 5].map(
      (n) => `70000000000${n}`
    )
    await onSiteOf(step, async (emulator) => {
      emulator
        .addAccounts('root', [inProd, inProdEu, inTest, elsewhere, leaver])
        .addBlueprint({ id: 'lhbp-b1d00001', sharedWith: [leaver] })
      const management = /uin\/(\d+):/.exec(step.with['organization-role-arn'])![1]
      emulator.organization = new OrganizationEmulator(management)
        .addUnits(
          { id: prod, name: 'prod' },
          { id: prod + 1, name: 'prod-eu', parent: prod },
          { id: test, name: 'test' },
          { id: test + 1, name: 'lab' }
        )
        .addMembers(
          { uin: inProd, unit: prod },
          { uin: inProdEu, unit: prod + 1 },
          { uin: inTest, unit: test },
          { uin: elsewhere, unit: test + 1 },
          { uin: OWNER_UIN, unit: test }
        )
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })
      emulator.identity.addTrustingRole({
        arn: step.with['organization-role-arn'],
        trustedAccounts: [OWNER_UIN]
      })
      const built = { needs: { build: { outputs: { 'blueprint-id': 'lhbp-b1d00001' } } } }

      const result = await runExample(emulator, step, built)

      expect(errorLine(result)).toBe('')
      expect(emulator.sharesOf('lhbp-b1d00001').sort()).toEqual([inProd, inProdEu, inTest])
      expect(listOutput(result, 'revoked-account-ids')).toEqual([leaver])
    })
  })

  test('Packer: the CVM image becomes one blueprint named as it, shared, and older builds retire', async () => {
    const step = example('docs/packer.md', 'image-id')
    const accounts = listed(step)
    await onSiteOf(step, async (emulator) => {
      emulator
        .addAccounts('root', accounts)
        .addCvmImage({ id: 'img-w49built', name: 'golden-ubuntu-2026-w49' })
        .addBlueprint({
          id: 'lhbp-w4700000',
          name: 'golden-ubuntu-2026-w47',
          createdTime: daysAgo(14),
          sharedWith: accounts
        })
        .addBlueprint({
          id: 'lhbp-w4800000',
          name: 'golden-ubuntu-2026-w48',
          createdTime: daysAgo(7),
          sharedWith: accounts
        })
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })
      const packer = { steps: { packer: { outputs: { artifact: 'ap-guangzhou:img-w49built' } } } }

      const result = await runExample(emulator, step, packer)

      expect(errorLine(result)).toBe('')
      const made = emulator.blueprint(result.outputs['blueprint-id'])
      expect([made.imageId, made.name]).toEqual(['img-w49built', 'golden-ubuntu-2026-w49'])
      expect(emulator.sharesOf(made.id).sort()).toEqual(accounts.sort())
      expect(emulator.sharesOf('lhbp-w4800000')).toHaveLength(2)
      expect(emulator.sharesOf('lhbp-w4700000')).toEqual([])
    })
  })

  test('the audit passes while access is as written, and fails in one line when it drifted', async () => {
    const step = example('docs/audit.md', 'fail-on-drift')
    const accounts = ['700000164995', '700000283311']
    const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
    const file = join(dir, step.with['account-ids-file'])
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, accounts.join('\n'))
    await onSiteOf(step, async (emulator) => {
      const [w47, w48, w49] = [47, 48, 49].map((week) => ({
        id: `lhbp-w${week}00000`,
        name: `golden-ubuntu-2026-w${week}`,
        createdTime: daysAgo(49 - week + 0.1)
      }))
      emulator
        .addAccounts('root', [...accounts, '700000999999'])
        .addBlueprint(w47)
        .addBlueprint({ ...w48, sharedWith: accounts })
        .addBlueprint({ ...w49, sharedWith: accounts })
      trustRoles(emulator, { [step.with['role-arn']]: MAIN })
      const audit = () =>
        runExample(emulator, step, { vars: { GOLDEN_IMAGE_ID: w49.id } }, { GITHUB_WORKSPACE: dir })

      const clean = await audit()
      expect([clean.exitCode, clean.outputs.changed]).toEqual([0, 'false'])

      emulator.blueprint(w47.id).shares.set('700000999999', '2026-11-01T00:00:00Z')
      const drifted = await audit()
      expect(drifted.exitCode).toBe(1)
      expect(errorLine(drifted)).toMatch(
        /^::error::Drift: 1 old version would lose shares in ap-guangzhou /
      )
      expect(changeCalls(emulator)).toEqual([])
    }).finally(() => rmSync(dir, { recursive: true, force: true }))
  })
})
