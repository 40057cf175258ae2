/** What each code means, per service, and the hint a person reads. */
import { describe, expect, test } from '@jest/globals'
import { ApiError, describeError, type RequestContext } from '../../src/cloud/api-errors.js'
import { siteOf } from '../../src/cloud/endpoint.js'
import { parseEndpoint } from '../../src/action/inputs/parse.js'
import { INPUT_TERMS } from '../../src/action/inputs/terms.js'
import { COMMON_CODES } from '../../src/cloud/codes/common.js'
import { DELETE_CODES, LIGHTHOUSE_CODES } from '../../src/cloud/codes/lighthouse.js'
import { ORGANIZATION_CODES } from '../../src/cloud/codes/organization.js'
import { ASSUME_ROLE_CODES, STS_CODES } from '../../src/cloud/codes/sts.js'
import { HINT_TERMS, inTerms } from '../../src/cloud/codes/meaning.js'

const lighthouse = (code: string, withRole = false) =>
  new ApiError('DescribeBlueprints', code, 'message', 'req', 'lighthouse', withRole, {
    terms: INPUT_TERMS
  })
const sts = (code: string) =>
  new ApiError('AssumeRoleWithWebIdentity', code, 'm', 'req', 'sts', false, { terms: INPUT_TERMS })

const TABLES = {
  COMMON_CODES,
  LIGHTHOUSE_CODES,
  DELETE_CODES,
  ORGANIZATION_CODES,
  STS_CODES,
  ASSUME_ROLE_CODES
}
const everyHint = Object.values(TABLES).flatMap((table) =>
  Object.values(table).flatMap((meaning) => [meaning.hint, meaning.roleHint].filter(Boolean))
) as string[]

describe('hint terms: the cloud layer names no input, the action names them', () => {
  test('every {term} in every table is a known term', () => {
    const used = new Set(
      everyHint.flatMap((hint) => [...hint.matchAll(/\{(\w+)\}/g)].map(([, t]) => t))
    )
    expect(used.size).toBeGreaterThan(10)
    expect([...used].filter((term) => !Object.hasOwn(HINT_TERMS, term))).toEqual([])
  })

  test('no hint names an input itself: a quoted input name is always a term', () => {
    const quoted = everyHint.flatMap((hint) => hint.match(/"[a-z]+(?:-[a-z]+)+"/g) ?? [])
    expect(quoted).toEqual([])
  })

  test("without terms a hint says what the thing is; with the action's it names the input", () => {
    const hint = 'check {image} and {region}'
    expect(inTerms(hint)).toBe('check the image ID and the region')
    expect(inTerms(hint, INPUT_TERMS)).toBe('check "blueprint-id" and "region"')
    expect(inTerms('{unknown} stays')).toBe('{unknown} stays')
  })
})

describe('hints', () => {
  test.each(['AuthFailure.TokenFailure', 'UnauthorizedOperation.TokenInvalid'])(
    'with keys, %s points at the session token; with a role, never at one the user did not set',
    (code) => {
      expect(lighthouse(code).hint).toMatch(/session token/)
      expect(lighthouse(code, true).hint).not.toMatch(/session-token|session token is invalid/)
      expect(lighthouse(code, true).hint).toMatch(/role/)
    }
  )

  // Hints sit on the codes AssumeRoleWithWebIdentity really returns (not CAM's IdentityNotExist or RoleNotFound).
  test.each(['InvalidParameter.WebIdentityTokenError', 'InvalidParameter.ParamError'])(
    'a wrong identity provider name is pointed at by %s',
    (code) => expect(sts(code).hint).toContain('"oidc-provider-id"')
  )

  test('a role STS cannot get names "role-arn" and is not retried', () => {
    expect(sts('InternalError.GetRoleError').hint).toContain('"role-arn"')
    expect(sts('InternalError.GetRoleError').kind).toBe('permanent')
  })

  test('FailedOperation.DescribeBlueprintsFailed is transient, unlike its family', () => {
    expect(lighthouse('FailedOperation.DescribeBlueprintsFailed').kind).toBe('transient')
    expect(lighthouse('FailedOperation').kind).toBe('permanent')
  })

  test('InvalidParameterValue.InvalidBlueprintState is about a state value, not "must be NORMAL"', () => {
    expect(lighthouse('InvalidParameterValue.InvalidBlueprintState').hint).not.toContain('NORMAL')
  })

  test('a rejected GitHub token mentions stale signing keys and automatic rotation', () => {
    expect(sts('InvalidParameter.WebIdentityTokenError').hint).toMatch(/signing keys.*rotation/)
  })

  test("a refused trust policy shows both forms of GitHub's sub claim", () => {
    const hint = sts('UnauthorizedOperation').hint
    expect(hint).toContain('repo:OWNER/REPO:ref:refs/heads/main')
    expect(hint).toContain('repo:OWNER@OWNER_ID/REPO@REPO_ID:ref:refs/heads/main')
  })

  test.each([
    'LimitExceeded.SyncBlueprintQuotaLimitExceeded',
    'LimitExceeded',
    'FailedOperation.UnableToSyncBlueprint',
    'FailedOperation.BalanceInsufficient',
    'UnauthorizedOperation.NotCertification',
    'UnauthorizedOperation.CertificationNeedUpgrade',
    'InvalidParameterValue.UnavailableRegion',
    'InvalidParameterValue.DestinationRegionSameAsSourceRegion',
    'InvalidParameterValue.Duplicated',
    'InvalidParameterValue.NotSupportCrossBorderSyncBlueprint'
  ])('SyncBlueprint code %s has a hint of its own and is not retried', (code) => {
    expect(lighthouse(code).hint).toEqual(expect.any(String))
    expect(lighthouse(code).hint).not.toBe(lighthouse('FailedOperation').hint)
    expect(lighthouse(code).kind).toBe('permanent')
  })

  test('a code is looked up by its family when it has no entry of its own', () => {
    expect(lighthouse('RequestLimitExceeded.UinLimitExceeded').kind).toBe('rate-limited')
    expect(lighthouse('InternalError.DbError').kind).toBe('transient')
    expect(lighthouse('NoSuchCode.AtAll').kind).toBe('permanent')
  })

  test('describeError gives one line with the hint', () => {
    expect(describeError(lighthouse('UnsupportedRegion'))).toBe(
      'DescribeBlueprints failed: UnsupportedRegion: message (RequestId: req). ' +
        'Lighthouse is not offered in this region: check "region".'
    )
  })
})

describe('hints that depend on where the request went', () => {
  const intl = siteOf(parseEndpoint('lighthouse.intl.tencentcloudapi.com'))
  const china = siteOf(parseEndpoint('lighthouse.tencentcloudapi.com'))
  const withContext = (
    code: string,
    context: RequestContext,
    service: 'lighthouse' | 'sts' = 'lighthouse'
  ) =>
    new ApiError('ShareBlueprintAcrossAccounts', code, 'm', 'req', service, false, {
      terms: INPUT_TERMS,
      ...context
    })

  test("AuthFailure.SecretIdNotFound suggests the other site's host as a thing to try, not a rule", () => {
    expect(withContext('AuthFailure.SecretIdNotFound', { site: intl }).hint).toContain(
      "If that is right, try the China site's host, lighthouse.tencentcloudapi.com (the endpoint was lighthouse.intl.tencentcloudapi.com)."
    )
    expect(withContext('AuthFailure.SecretIdNotFound', { site: china }).hint).toContain(
      "try the international site's host, lighthouse.intl.tencentcloudapi.com"
    )
    expect(withContext('AuthFailure.SecretIdNotFound', { site: intl }).hint).not.toMatch(/needs/)
  })

  test("the account-area code is about the account's site, whatever the endpoint: no host is named", () => {
    for (const site of [intl, china]) {
      const hint = withContext('InvalidParameterValue.AccountIdInvalidAccountArea', { site }).hint
      expect(hint).toContain('only within one site')
      expect(hint).not.toContain('tencentcloudapi.com')
    }
  })

  test("a role STS cannot get suggests the other site's STS host to try", () => {
    const sts = siteOf(parseEndpoint('sts.intl.tencentcloudapi.com'))
    expect(withContext('InternalError.GetRoleError', { site: sts }, 'sts').hint).toContain(
      "try the China site's host, sts.tencentcloudapi.com"
    )
  })

  test('codes that do not hint at the other site say nothing of it; a host outside Tencent Cloud has no site', () => {
    expect(withContext('AuthFailure.SignatureFailure', { site: intl }).hint).not.toContain('site')
    expect(siteOf(parseEndpoint('http://127.0.0.1:8080'))).toBeUndefined()
  })

  test('a refused session token names where it came from', () => {
    const context = { tokenSource: 'the TENCENTCLOUD_TOKEN environment variable' }
    expect(withContext('UnauthorizedOperation.TokenInvalid', context).hint).toContain(
      'check the TENCENTCLOUD_TOKEN environment variable'
    )
    expect(withContext('UnauthorizedOperation.TokenInvalid', {}).hint).toContain(
      'check "session-token"'
    )
  })
})

describe('the organization and its role', () => {
  const assumeRole = (code: string) =>
    new ApiError('AssumeRole', code, 'm', 'req', 'sts', false, { terms: INPUT_TERMS })
  const organization = (code: string) =>
    new ApiError('DescribeOrganizationMembers', code, 'm', 'req', 'organization', false, {
      terms: INPUT_TERMS
    })

  test('AssumeRole codes name organization-role-arn, not the OIDC inputs', () => {
    for (const code of ['InternalError.GetRoleError', 'UnauthorizedOperation']) {
      expect(assumeRole(code).hint).toContain('organization-role-arn')
      expect(assumeRole(code).hint).not.toContain('oidc')
      expect(assumeRole(code).kind).toBe('permanent')
    }
    // The same codes from the web identity call keep their own meaning.
    expect(sts('UnauthorizedOperation').hint).toContain('oidc:sub')
  })

  test('AssumeRole falls back to its service for the codes it does not mean otherwise', () => {
    expect(assumeRole('InvalidParameter.OverLimit').kind).toBe('rate-limited')
    expect(assumeRole('InternalError.DbError').kind).toBe('transient')
  })

  test.each([
    ['ResourceNotFound.OrganizationNotExist', 'permanent', 'organization-role-arn'],
    ['ResourceNotFound.OrganizationNodeNotExist', 'permanent', 'organization-units'],
    ['AuthFailure.UnauthorizedOperation', 'denied', 'organization:DescribeOrganizationMembers'],
    ['FailedOperation.OperateBillingPermissionErr', 'denied', 'organization-role-arn'],
    ['InternalError', 'transient', 'internal error'],
    ['RequestLimitExceeded', 'rate-limited', 'Too many requests']
  ])('%s is %s, and its hint names %s', (code, kind, named) => {
    expect(organization(code).kind).toBe(kind)
    expect(organization(code).hint).toContain(named)
  })
})
