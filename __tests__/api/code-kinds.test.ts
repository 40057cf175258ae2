/**
 * Each code's kind agrees with what Tencent says of it (its description in
 * errors.go, contract/tencent-codes.json), and each hint with its kind: a
 * code Tencent says to retry is retried, a code that is retried is one that
 * can pass on a retry, and a hint never tells a user to run again what no
 * run can change.
 */
import { describe, expect, test } from '@jest/globals'
import type { CodeKind, Service } from '../../src/cloud/codes/meaning.js'
import { meaningOf } from '../../src/cloud/codes/tables.js'
import { COMMON_CODES } from '../../src/cloud/codes/common.js'
import { DELETE_CODES, LIGHTHOUSE_CODES } from '../../src/cloud/codes/lighthouse.js'
import { ORGANIZATION_CODES } from '../../src/cloud/codes/organization.js'
import { ASSUME_ROLE_CODES, STS_CODES } from '../../src/cloud/codes/sts.js'
import { CODES } from '../emulator/spec.js'

/** The kinds the Caller asks again (after a wait, a backoff, or the image's NORMAL). */
const RETRIED: readonly CodeKind[] = ['transient', 'rate-limited', 'image-busy', 'image-state']

/** Tencent's words for "try again (later)"; "do this, then retry" is advice to fix something, not to wait. */
const SAYS_RETRY = /稍后|重试|再试/
const FIX_THEN_RETRY = /请[^，。]*后进行重试/
/**
 * What can pass on a retry: Tencent says so, or the cause is passing (busy,
 * in progress, a state, a rate limit, a timeout), or a service behind the API
 * failed (a read, a call, a fetch, its database), unless what failed is
 * something that is not there (not found, not exist, invalid).
 */
const MAY_PASS = /稍后|重试|再试|操作中|进行中|未完成|当前状态|频率|超时|暂时|不可用/
const SERVICE_FAILED =
  /内部错误|未知错误|查询.*失败|调用.*失败|获取.*(失败|错误)|DB错误|加密失败|打包失败/
const STAYS = /无法找到|不存在|非法|不合法/

const serviceOf = (action: string): Service =>
  ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity'].includes(action)
    ? 'sts'
    : action.startsWith('DescribeOrganization')
      ? 'organization'
      : 'lighthouse'

/** Every code Tencent lists for an action we call, with its kind here and Tencent's description. */
const listed = Object.entries(CODES.perAction).flatMap(([action, codes]) => {
  const service = serviceOf(action)
  return codes.map((code) => ({
    action,
    code,
    kind: meaningOf(service, code, action).kind,
    description: CODES.descriptions[service][code]
  }))
})

const mayPass = (description: string, code: string) =>
  MAY_PASS.test(description) ||
  ((SERVICE_FAILED.test(description) || code.startsWith('InternalError')) &&
    !STAYS.test(description))

describe("each code's kind agrees with Tencent's description", () => {
  test('the facts cover every action, each code described', () => {
    expect(listed.length).toBeGreaterThan(150)
    expect(listed.filter((c) => !c.description).map((c) => `${c.action} ${c.code}`)).toEqual([])
  })

  test('a code Tencent says to retry is retried', () => {
    const notRetried = listed.filter(
      (c) =>
        SAYS_RETRY.test(c.description) &&
        !FIX_THEN_RETRY.test(c.description) &&
        !RETRIED.includes(c.kind)
    )
    expect(notRetried.map((c) => `${c.action} ${c.code} (${c.kind}): ${c.description}`)).toEqual([])
  })

  test('a code that is retried is one that can pass on a retry', () => {
    const hopeless = listed.filter(
      (c) => RETRIED.includes(c.kind) && !mayPass(c.description, c.code)
    )
    expect(hopeless.map((c) => `${c.action} ${c.code} (${c.kind}): ${c.description}`)).toEqual([])
  })

  test('the rules tell the cases apart', () => {
    expect(mayPass('命令无法找到。', 'InternalError.InvalidCommandNotFound')).toBe(false)
    expect(mayPass('查询镜像配额失败。', 'FailedOperation.DescribeBlueprintQuotaFailed')).toBe(true)
    expect(mayPass('镜像被使用中，不支持该操作。', 'UnsupportedOperation.BlueprintOccupied')).toBe(
      false
    )
    expect(SAYS_RETRY.test('变更资源属性失败，请稍后重新操作。')).toBe(true)
    expect(FIX_THEN_RETRY.test('获取角色授权失败，请授予 Lighthouse 相关角色后进行重试。')).toBe(
      true
    )
    expect(FIX_THEN_RETRY.test('变更资源属性失败，请稍后重新操作。')).toBe(false)
  })

  test('STS answers the common codes as every service does: busy is retried, expired is renewed', () => {
    for (const action of ['AssumeRoleWithWebIdentity', 'AssumeRole', 'GetCallerIdentity']) {
      expect(meaningOf('sts', 'ServiceUnavailable', action).kind).toBe('transient')
      expect(meaningOf('sts', 'InternalError', action).kind).toBe('transient')
      expect(meaningOf('sts', 'AuthFailure.TokenFailure', action).kind).toBe('credentials-expired')
    }
  })
})

describe('each hint agrees with its kind', () => {
  const TABLES = {
    COMMON_CODES,
    LIGHTHOUSE_CODES,
    DELETE_CODES,
    STS_CODES,
    ASSUME_ROLE_CODES,
    ORGANIZATION_CODES
  }
  const entries = Object.entries(TABLES).flatMap(([table, codes]) =>
    Object.entries(codes).map(([code, meaning]) => ({ table, code, ...meaning }))
  )
  /** A hint whose only advice is to run the step again, or to wait (not "fix this, then run it again"). */
  const RUN_AGAIN = /; run the step again|again later|in a moment|when it is done|when it has/i
  /** Kinds where a new run is itself the remedy: it brings new credentials, or finds the list changed. */
  const RENEWED_BY_A_RUN: readonly CodeKind[] = [
    'credentials-expired',
    'already-shared',
    'not-shared'
  ]

  test('no permanent code tells the user to run the step again', () => {
    const contradicting = entries.filter(
      (e) =>
        !RETRIED.includes(e.kind) &&
        !RENEWED_BY_A_RUN.includes(e.kind) &&
        RUN_AGAIN.test(`${e.hint ?? ''} ${e.roleHint ?? ''}`)
    )
    expect(contradicting.map((e) => `${e.table} ${e.code} (${e.kind}): ${e.hint}`)).toEqual([])
  })

  test('the check sees a contradiction', () => {
    expect(
      RUN_AGAIN.test('The image is in use by another operation; run the step again later.')
    ).toBe(true)
  })
})
