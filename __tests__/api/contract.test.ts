/**
 * Both sides held to Tencent's spec: the facts taken from Tencent's api.json
 * (contract/tencent-spec.json) cover what the action calls, and the checks
 * the emulator runs on every request and answer refuse what the spec does not
 * allow. Every end-to-end test then fails on a stray request or answer (see
 * emulatorForEachTest).
 */
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import {
  CODES,
  SPEC,
  checkRequest,
  checkResponse,
  codesOf,
  mayAnswer,
  servesAction
} from '../emulator/spec.js'

/** Every action name the action's source sends, found where it is named in a call. */
function actionsInSource(): string[] {
  const dir = new URL('../../src/', import.meta.url)
  const names = new Set<string>()
  const walk = (folder: URL) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, folder))
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(new URL(entry.name, folder), 'utf8')
        for (const m of text.matchAll(/call(?:<[^>]+>)?\(\s*'([A-Z]\w+)'/g)) names.add(m[1])
        for (const m of text.matchAll(/(?:changeShares|readShareInfos|readAll)\(\s*'([A-Z]\w+)'/g))
          names.add(m[1])
      }
    }
  }
  walk(dir)
  return [...names].sort()
}

describe("the facts of Tencent's spec", () => {
  test('name their source and date, for both sites', () => {
    for (const site of ['china', 'international'] as const) {
      expect(SPEC.sites[site].source).toMatch(
        /^TencentCloud\/tencentcloud-cli(-intl-en)? at commit [0-9a-f]{40} \(\d{4}-\d{2}-\d{2}\)/
      )
    }
  })

  test('cover every action the source sends, and its error codes', () => {
    const sent = actionsInSource()
    expect(sent).toEqual(
      expect.arrayContaining([
        'AssumeRoleWithWebIdentity',
        'DescribeBlueprints',
        'ShareBlueprintAcrossAccounts'
      ])
    )
    for (const action of sent) {
      const service = ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity'].includes(
        action
      )
        ? 'sts'
        : action.startsWith('DescribeOrganization')
          ? 'organization'
          : 'lighthouse'
      expect([action, servesAction('china', service, action)]).toEqual([action, true])
      expect([action, servesAction('international', service, action)]).toEqual([
        action,
        service !== 'lighthouse' || action !== 'DescribeBlueprintsShareAcrossAccountInfos'
      ])
      const listed = CODES.perAction[action]?.length ?? 0
      expect([action, listed > 0]).toEqual([action, true])
    }
  })

  test('the international site has no share-list read; the China site has it', () => {
    const read = 'DescribeBlueprintsShareAcrossAccountInfos'
    expect(servesAction('china', 'lighthouse', read)).toBe(true)
    expect(servesAction('international', 'lighthouse', read)).toBe(false)
    expect(SPEC.sites.international.services.lighthouse.missing).toEqual([read])
  })
})

describe('the request check', () => {
  test('refuses an unknown parameter, a missing one and a wrong type, as the API would', () => {
    const share = (params: Record<string, unknown>) =>
      checkRequest('china', 'lighthouse', 'ShareBlueprintAcrossAccounts', params)?.code
    expect(share({ BlueprintId: 'lhbp-6jc6l8yb', AccountIds: ['200000000001'] })).toBeUndefined()
    expect(share({ BlueprintId: 'lhbp-6jc6l8yb', AccountIds: ['2'], Force: true })).toBe(
      'UnknownParameter'
    )
    expect(share({ BlueprintId: 'lhbp-6jc6l8yb' })).toBe('MissingParameter')
    expect(share({ BlueprintId: 'lhbp-6jc6l8yb', AccountIds: '200000000001' })).toBe(
      'InvalidParameter'
    )
  })

  test('holds the limits the spec states in prose', () => {
    const ids = Array.from({ length: 11 }, (_, i) => String(200000000001 + i))
    expect(
      checkRequest('china', 'lighthouse', 'CancelShareBlueprintAcrossAccounts', {
        BlueprintId: 'lhbp-6jc6l8yb',
        AccountIds: ids
      })?.code
    ).toBe('InvalidParameterValue.LimitExceeded')
    expect(
      checkRequest('china', 'lighthouse', 'DescribeBlueprintsShareAcrossAccountInfos', {
        BlueprintIds: ['lhbp-6jc6l8yb'],
        Filters: [{ Name: 'account-id', Values: ids.slice(0, 6) }]
      })?.code
    ).toBe('InvalidParameterValue')
    expect(
      checkRequest('china', 'lighthouse', 'DescribeBlueprints', {
        BlueprintIds: ['lhbp-6jc6l8yb'],
        Filters: [{ Name: 'blueprint-type', Values: ['PRIVATE'] }]
      })?.code
    ).toBe('InvalidParameter.ParameterConflict')
    expect(
      checkRequest('international', 'lighthouse', 'ModifyBlueprintAttribute', {
        BlueprintId: 'lhbp-6jc6l8yb',
        Description: 'x'.repeat(61)
      })?.code
    ).toBe('InvalidParameterValue.TooLong')
  })
})

test('a limit only the China spec states (BlueprintIds at most 100) holds on the China site only', () => {
  const ids = Array.from({ length: 101 }, (_, i) => `lhbp-${String(i).padStart(8, '0')}`)
  expect(
    checkRequest('china', 'lighthouse', 'DescribeBlueprints', { BlueprintIds: ids })?.code
  ).toMatch(/^InvalidParameterValue/)
  expect(
    checkRequest('international', 'lighthouse', 'DescribeBlueprints', { BlueprintIds: ids })
  ).toBeUndefined()
  expect(SPEC.limits.find((l) => l.parameter === 'BlueprintIds')?.sites).toEqual(['china'])
})

describe('the answer check', () => {
  /** A Blueprint with every member the site's spec marks output_required, of the right type. */
  const completeBlueprint = (site: 'china' | 'international') =>
    Object.fromEntries(
      SPEC.sites[site].services.lighthouse.objects.Blueprint.filter((m) => m.outputRequired).map(
        (m) => [
          m.name,
          m.type === 'list'
            ? []
            : m.type === 'int'
              ? 1
              : m.type === 'bool'
                ? true
                : m.member === 'datetime_iso'
                  ? '2026-11-01T00:00:00Z'
                  : 'x'
        ]
      )
    )

  test('finds a member the site does not answer, a wrong type and a time in another format', () => {
    const blueprint = {
      ...completeBlueprint('international'),
      BlueprintId: 'lhbp-6jc6l8yb',
      BlueprintShared: true,
      CreatedTime: '2026-11-01T00:00:00.000Z'
    }
    const problems = checkResponse('international', 'lighthouse', 'DescribeBlueprints', {
      TotalCount: '1',
      BlueprintSet: [blueprint],
      RequestId: 'x'
    })
    expect(problems).toHaveLength(3)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('TotalCount is not a int64'),
        expect.stringContaining("BlueprintShared is not in the international spec's Blueprint"),
        expect.stringContaining('CreatedTime is not a datetime_iso')
      ])
    )
    expect(
      checkResponse('china', 'lighthouse', 'DescribeBlueprints', {
        TotalCount: 1,
        BlueprintSet: [{ ...completeBlueprint('china'), CreatedTime: null }],
        RequestId: 'x'
      })
    ).toEqual([])
  })

  test('finds a member the spec marks output_required that an answer lacks', () => {
    const { ImageUrl, ...lacking } = completeBlueprint('china')
    expect(ImageUrl).toBeDefined()
    expect(
      checkResponse('china', 'lighthouse', 'DescribeBlueprints', {
        TotalCount: 1,
        BlueprintSet: [lacking],
        RequestId: 'x'
      })
    ).toEqual([
      expect.stringContaining(
        "BlueprintSet.0.ImageUrl is missing: the china spec's Blueprint always has it"
      )
    ])
    expect(
      SPEC.sites.china.services.lighthouse.objects.Blueprint.filter((m) => m.outputRequired).length
    ).toBeGreaterThan(15)
  })

  test('allows each action only the codes Tencent lists for it, and the common ones', () => {
    expect(
      mayAnswer('CancelShareBlueprintAcrossAccounts', 'UnsupportedOperation.BlueprintHasNotShared')
    ).toBe(true)
    expect(
      mayAnswer('ShareBlueprintAcrossAccounts', 'UnsupportedOperation.BlueprintHasNotShared')
    ).toBe(false)
    expect(mayAnswer('AssumeRoleWithWebIdentity', 'ResourceNotFound.IdentityNotExist')).toBe(false)
    expect(mayAnswer('DescribeBlueprints', 'InvalidAction')).toBe(true)
    expect(codesOf('AssumeRoleWithWebIdentity')).toContain('InternalError.GetRoleError')
  })
})
