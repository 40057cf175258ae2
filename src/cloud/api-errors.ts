/** What the Lighthouse, STS and Organization APIs can answer with, and what to do about each code. */
import { OUTSIDE_TEXT_LIMIT, bounded, neutralize } from '../common/untrusted.js'
import { meaningOf } from './codes/tables.js'
import { inTerms, type CodeKind, type HintTerms, type Service } from './codes/meaning.js'

export type { CodeKind, HintTerms, Service } from './codes/meaning.js'

/** What a hint may name about where the request went: the site, and where the session token came from. */
export interface RequestContext {
  /** The site the endpoint's host is named for, and the same service's host named for the other site. */
  site?: { name: 'China' | 'international'; host: string; other: { name: string; host: string } }
  /** Where a session token of API keys came from: input "session-token" or the variable it was read from. */
  tokenSource?: string
  /** What the hints call the things the caller gave ({image}: 'input "blueprint-id"'). */
  terms?: HintTerms
}

/** The API answered, with an error code (HTTP 200, Response.Error). Its text is neutralized: it came from outside. */
export class ApiError extends Error {
  override name = 'ApiError'
  /** How many attempts were made before giving up. */
  attempts = 1
  readonly code: string
  readonly apiMessage: string
  readonly requestId: string

  constructor(
    readonly action: string,
    code: string,
    apiMessage: string,
    requestId: string,
    readonly service: Service = 'lighthouse',
    /** The request was signed with a role's temporary credentials (GitHub OIDC), not with keys. */
    readonly withRole = false,
    readonly context: RequestContext = {}
  ) {
    const safeCode = neutralize(bounded(code, OUTSIDE_TEXT_LIMIT.token))
    const safeMessage = neutralize(bounded(apiMessage, OUTSIDE_TEXT_LIMIT.message))
    const safeRequestId = neutralize(bounded(requestId, OUTSIDE_TEXT_LIMIT.token))
    super(`${action} failed: ${safeCode}: ${safeMessage} (RequestId: ${safeRequestId || 'none'})`)
    this.code = safeCode
    this.apiMessage = safeMessage
    this.requestId = safeRequestId
  }

  get kind(): CodeKind {
    return meaningOf(this.service, this.code, this.action).kind
  }

  get hint(): string | undefined {
    const meaning = meaningOf(this.service, this.code, this.action)
    const { terms, tokenSource } = this.context
    const text = (this.withRole && meaning.roleHint) || meaning.hint
    const hint = text && inTerms(text, tokenSource ? { ...terms, token: tokenSource } : terms)
    const { site } = this.context
    if (!hint || !meaning.otherSite || !site) return hint
    // Which host serves which site's accounts is not something Tencent documents: a thing to try, no more.
    return `${hint} If that is right, try the ${site.other.name} site's host, ${site.other.host} (the endpoint was ${site.host}).`
  }
}

/** No API answer: a gateway status, a timeout, a dropped connection or a body that is not JSON. */
export class TransportError extends Error {
  override name = 'TransportError'
  attempts = 1
  readonly detail: string
  constructor(
    readonly action: string,
    detail: string,
    readonly httpStatus?: number
  ) {
    const safeDetail = neutralize(bounded(detail, OUTSIDE_TEXT_LIMIT.message))
    super(`${action} got no API answer: ${safeDetail}`)
    this.detail = safeDetail
  }
}

/**
 * No retry can help, only a corrected input or network: the host does not
 * exist, the endpoint answered with a redirect (never followed), or the proxy
 * refused the tunnel.
 */
export class EndpointError extends Error {
  override name = 'EndpointError'
}

export function isPerAccountError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.kind === 'per-account'
}

export function kindOf(service: Service, code: string): CodeKind {
  return meaningOf(service, code).kind
}

/** The whole error on one line, with its hint when there is one; safe to print. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return neutralize(String(error))
  const retried =
    'attempts' in error && Number(error.attempts) > 1
      ? ` after ${Number(error.attempts)} attempts`
      : ''
  const hint = error instanceof ApiError && error.hint ? `. ${error.hint}` : ''
  return neutralize(`${error.message}${retried}${hint}`)
}
