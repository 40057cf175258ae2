/** The Organization reader and the unit tree, with a fake API behind them. */
import { INPUT_TERMS } from '../../src/action/inputs/terms.js'
import { describe, expect, test } from '@jest/globals'
import { ApiError, TransportError, describeError } from '../../src/cloud/api-errors.js'
import type { ApiResponse } from '../../src/cloud/api-transport.js'
import { createOrganizationApi, type OrganizationApi } from '../../src/cloud/organization.js'
import type { Caller, CallOptions } from '../../src/cloud/retry.js'
import { listedAccounts } from '../../src/sharing/targets/listed.js'
import {
  OrganizationError,
  findOrganizationTargets,
  organizationMembers
} from '../../src/sharing/targets/organization.js'
import { resolveTargets } from '../../src/sharing/targets/target-source.js'
import { logger } from '../helpers/logger.js'

type Answer = (params: Record<string, unknown>) => Record<string, unknown>

/** A Caller whose answers come from `answers`, read as the real one reads them; it records every call. */
function fakeCaller(answers: Record<string, Answer>): { caller: Caller; calls: string[] } {
  const calls: string[] = []
  const caller = {
    call: <T>(action: string, params: object, options: CallOptions<T> = {}): Promise<T> => {
      calls.push(`${action} ${JSON.stringify(params)}`)
      const response = {
        ...answers[action](params as Record<string, unknown>),
        RequestId: 'r'
      } as ApiResponse
      return Promise.resolve(options.read ? options.read(response) : (response as T))
    }
  } as unknown as Caller
  return { caller, calls }
}

const member = (uin: number, nodeId: number, nodeName = `unit ${nodeId}`) => ({
  MemberUin: uin,
  NodeId: nodeId,
  NodeName: nodeName,
  Name: `member ${uin}`
})

describe('the Organization reader', () => {
  test('reads every page of 50 at offsets that are multiples of 50', async () => {
    const all = Array.from({ length: 101 }, (_, i) => member(300000000001 + i, 1))
    const { caller, calls } = fakeCaller({
      DescribeOrganizationMembers: (p) => ({
        Total: all.length,
        Items: all.slice(p.Offset as number, (p.Offset as number) + (p.Limit as number))
      })
    })
    const members = await createOrganizationApi(caller).listMembers()
    expect(members.map((m) => m.accountId)).toEqual(all.map((m) => String(m.MemberUin)))
    expect(calls).toEqual([
      'DescribeOrganizationMembers {"Offset":0,"Limit":50}',
      'DescribeOrganizationMembers {"Offset":50,"Limit":50}',
      'DescribeOrganizationMembers {"Offset":100,"Limit":50}'
    ])
  })

  test('reads again when members moved between pages, so none is missed', async () => {
    let reads = 0
    const { caller } = fakeCaller({
      DescribeOrganizationMembers: (p) => {
        reads += 1
        // The first read's second page comes after a member left: one member slips past.
        const total = reads <= 2 ? 51 : 50
        const items = Array.from({ length: total }, (_, i) => member(300000000001 + i, 1))
        if (reads === 2) items.shift()
        return { Total: total, Items: items.slice(p.Offset as number, (p.Offset as number) + 50) }
      }
    })
    const members = await createOrganizationApi(caller).listMembers()
    expect(members).toHaveLength(50)
    expect(reads).toBe(3)
  })

  test('gives up after three reads that never agree', async () => {
    let total = 60
    const { caller } = fakeCaller({
      DescribeOrganizationMembers: () => ({ Total: (total += 1), Items: [] })
    })
    await expect(createOrganizationApi(caller).listMembers()).rejects.toThrow(
      'DescribeOrganizationMembers: the list changed while it was read'
    )
  })

  test.each([
    ['a MemberUin that is a string', { ...member(300000000001, 1), MemberUin: '300000000001' }],
    ['a MemberUin past 2^53', { ...member(300000000001, 1), MemberUin: 2 ** 53 + 2 }],
    ['no NodeId', { MemberUin: 300000000001, NodeName: 'x' }]
  ])('an answer with %s is no answer (retried)', async (_, item) => {
    const { caller } = fakeCaller({
      DescribeOrganizationMembers: () => ({ Total: 1, Items: [item] })
    })
    await expect(createOrganizationApi(caller).listMembers()).rejects.toBeInstanceOf(TransportError)
  })

  test('names from the API are neutralized', async () => {
    const { caller } = fakeCaller({
      DescribeOrganizationNodes: () => ({
        Total: 1,
        Items: [{ NodeId: 7, ParentNodeId: 0, Name: 'prod\n::error::forged' }]
      })
    })
    const [unit] = await createOrganizationApi(caller).listUnits()
    expect(unit).toMatchObject({ id: '7', parentId: undefined })
    expect(unit.name).not.toContain('\n')
  })
})

/** An organization: root 1; prod 2 (sub-unit 3, whose sub-unit is 4); test 5. */
function fakeOrganization(members: ReturnType<typeof member>[]): {
  api: OrganizationApi
  calls: string[]
} {
  const units = [
    { NodeId: 1, ParentNodeId: 0, Name: 'root' },
    { NodeId: 2, ParentNodeId: 1, Name: 'prod' },
    { NodeId: 3, ParentNodeId: 2, Name: 'prod-eu' },
    { NodeId: 4, ParentNodeId: 3, Name: 'prod-eu-west' },
    { NodeId: 5, ParentNodeId: 1, Name: 'test' }
  ]
  const { caller, calls } = fakeCaller({
    DescribeOrganization: () => ({ RootNodeId: 1, IsManager: true }),
    DescribeOrganizationNodes: () => ({ Total: units.length, Items: units }),
    DescribeOrganizationMembers: () => ({ Total: members.length, Items: members })
  })
  return { api: createOrganizationApi(caller), calls }
}

const OWNER = '100000000001'

describe('findOrganizationTargets', () => {
  const members = [
    member(Number(OWNER), 1, 'root'),
    member(300000000001, 2),
    member(300000000002, 3),
    member(300000000003, 4),
    member(300000000004, 5)
  ]

  test('a unit brings the members of every unit under it, however deep', async () => {
    const { api } = fakeOrganization(members)
    const targets = await findOrganizationTargets(api, ['2'], OWNER, logger())
    expect(targets.members.map((m) => [m.accountId, m.unitId, m.unitName])).toEqual([
      ['300000000001', '2', 'prod'],
      ['300000000002', '3', 'prod-eu'],
      ['300000000003', '4', 'prod-eu-west']
    ])
  })

  test('the root unit is the whole organization, the owner left out', async () => {
    const { api } = fakeOrganization(members)
    const targets = await findOrganizationTargets(api, ['1'], OWNER, logger())
    expect(targets.members).toHaveLength(4)
    expect(targets.ownerLeftOut).toBe(true)
  })

  test('"all" reads no units', async () => {
    const { api, calls } = fakeOrganization(members)
    const targets = await findOrganizationTargets(api, 'all', OWNER, logger())
    expect(targets.members).toHaveLength(4)
    expect(calls.map((c) => c.split(' ')[0])).toEqual([
      'DescribeOrganization',
      'DescribeOrganizationMembers'
    ])
  })

  test('a unit not in the tree is an error naming the input and the units there are', async () => {
    const { api } = fakeOrganization(members)
    const found = findOrganizationTargets(api, ['5', '9'], OWNER, logger())
    await expect(found).rejects.toBeInstanceOf(OrganizationError)
    await expect(found).rejects.toThrow(
      'Input "organization-units" names a unit not in the organization: 9. Its units are 1 (root), 2 (prod)'
    )
  })

  test('an API error names organization-units, with its code and hint', async () => {
    const api = createOrganizationApi({
      call: () =>
        Promise.reject(
          new ApiError(
            'DescribeOrganization',
            'ResourceNotFound.OrganizationNotExist',
            'no organization',
            'req-1',
            'organization',
            false,
            { terms: INPUT_TERMS }
          )
        )
    } as unknown as Caller)
    const error = await findOrganizationTargets(api, 'all', OWNER, logger()).catch(
      (e: unknown) => e
    )
    expect(describeError(error)).toContain(
      'Could not read the organization for "organization-units": DescribeOrganization failed: ' +
        'ResourceNotFound.OrganizationNotExist: no organization (RequestId: req-1)'
    )
    expect(describeError(error)).toContain('"organization-role-arn"')
  })
})

describe('the organization as a target source beside the listed accounts', () => {
  const members = [
    member(Number(OWNER), 1, 'root'),
    member(300000000002, 2),
    member(300000000001, 2),
    member(300000000003, 2)
  ]
  const resolve = (found: ReturnType<typeof member>[], revokeUnlisted: boolean) =>
    resolveTargets(
      [
        listedAccounts(['300000000001']),
        organizationMembers(fakeOrganization(found).api, 'all', () => Promise.resolve(OWNER))
      ],
      ['300000000003'],
      revokeUnlisted,
      logger()
    )

  test('adds the members to account-ids, leaving out those in revoke-account-ids', async () => {
    expect((await resolve(members, false)).wanted.share).toEqual(['300000000001', '300000000002'])
  })

  test('refuses an empty read with revoke-unlisted, and lets it through without', async () => {
    const owner = [member(Number(OWNER), 1, 'root')]
    await expect(resolve(owner, true)).rejects.toThrow('found no member')
    expect((await resolve(owner, false)).wanted.share).toEqual(['300000000001'])
  })
})
