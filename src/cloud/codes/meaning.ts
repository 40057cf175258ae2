/** What a code means to the action: its kind, and the hint that tells the user what to do. */
export type Service = 'lighthouse' | 'sts' | 'organization'

/**
 * What a code means to this action:
 * - transient: the service is busy or failed on its side; retry with backoff.
 * - rate-limited: a per-second limit was hit; retry, a second later at the earliest.
 * - image-busy: another operation on the image will end; retry.
 * - image-state: the image left NORMAL; wait for it again.
 * - per-account: one account in the call is refused, and the API does not say which.
 * - already-shared / not-shared: some account already is where the call would put it.
 * - credentials-expired: renew temporary credentials and try once more.
 * - not-served: the site's API has no such action (the international site lacks the share-list read).
 * - denied: the credentials may not call this action (CAM).
 * - not-deletable: DeleteBlueprints refused this image (in use, or in a state that cannot be deleted): it is kept.
 * - gone: what was to be removed is not there any more (deleted meanwhile, or by a call whose answer was lost).
 * - permanent: retrying cannot help.
 */
export type CodeKind =
  | 'transient'
  | 'rate-limited'
  | 'image-busy'
  | 'image-state'
  | 'per-account'
  | 'already-shared'
  | 'not-shared'
  | 'credentials-expired'
  | 'not-served'
  | 'denied'
  | 'not-deletable'
  | 'gone'
  | 'permanent'

export interface CodeMeaning {
  kind: CodeKind
  hint?: string
  /** May mean the keys belong to the other site: the hint then suggests that site's host, as a thing to try. */
  otherSite?: boolean
  /** The hint when the credentials are a role's (GitHub OIDC), where there are no keys or token to check. */
  roleHint?: string
}

export const ASK_AGAIN = 'run the step again'

/**
 * What a hint names in the caller's words: the action names its inputs
 * ("blueprint-id"); without them, a hint says what the thing is.
 */
export const HINT_TERMS = {
  image: 'the image ID',
  cvmImage: 'the CVM image ID',
  region: 'the region',
  copyRegions: 'the regions to copy to',
  accounts: 'the accounts to share with',
  endpoint: 'the endpoint',
  secretId: 'the secret ID',
  secretKey: 'the secret key',
  token: 'the session token',
  role: 'the role ARN',
  provider: 'the OIDC provider',
  audience: 'the OIDC audience',
  sessionName: 'the role session name',
  duration: 'the session duration',
  units: 'the organization units',
  organizationRole: "the organization's role ARN"
} as const

export type HintTerm = keyof typeof HINT_TERMS
export type HintTerms = Partial<Record<HintTerm, string>>

/** A hint with each {term} in the caller's words, or the plain ones. */
export function inTerms(hint: string, terms: HintTerms = {}): string {
  return hint.replace(/\{(\w+)\}/g, (whole, term: string) =>
    Object.hasOwn(HINT_TERMS, term)
      ? (terms[term as HintTerm] ?? HINT_TERMS[term as HintTerm])
      : whole
  )
}
