/**
 * TC3-HMAC-SHA256, written from Tencent Cloud's documentation and not from the
 * SDK, so the emulator catches a client that signs wrongly.
 */
import { createHash, createHmac } from 'node:crypto'

export interface Authorization {
  secretId: string
  date: string
  service: string
  signedHeaders: string[]
  signature: string
}

const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/

export function parseAuthorization(header: string): Authorization | undefined {
  const match = AUTHORIZATION.exec(header)
  if (!match) return undefined
  const [, secretId, date, service, signedHeaders, signature] = match
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature }
}

export interface RequestToSign {
  method: string
  path: string
  query: string
  /** Lower-case header names. */
  headers: Record<string, string>
  body: string | Buffer
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest()

/** Tencent's CanonicalHeaders: each signed header as name:value, both lower case and trimmed, sorted by name. */
export function canonicalRequest(request: RequestToSign, signedHeaders: readonly string[]): string {
  const headers = [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().toLowerCase()}\n`)
    .join('')
  return [
    request.method,
    request.path,
    request.query,
    headers,
    [...signedHeaders].sort().join(';'),
    sha256Hex(request.body)
  ].join('\n')
}

/** UTC date of a unix timestamp, as the credential scope has it. */
export function signingDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10)
}

export function signature(
  secretKey: string,
  timestamp: number,
  service: string,
  canonical: string
): string {
  const date = signingDate(timestamp)
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(timestamp),
    `${date}/${service}/tc3_request`,
    sha256Hex(canonical)
  ].join('\n')
  const kDate = hmac(`TC3${secretKey}`, date)
  const kService = hmac(kDate, service)
  const kSigning = hmac(kService, 'tc3_request')
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex')
}

/** The Authorization header a correct client sends. */
export function authorizationHeader(
  request: RequestToSign,
  credentials: { secretId: string; secretKey: string },
  timestamp: number,
  service: string,
  signedHeaders: readonly string[] = ['content-type', 'host']
): string {
  const canonical = canonicalRequest(request, signedHeaders)
  const sig = signature(credentials.secretKey, timestamp, service, canonical)
  return (
    `TC3-HMAC-SHA256 Credential=${credentials.secretId}/${signingDate(timestamp)}/${service}/tc3_request, ` +
    `SignedHeaders=${[...signedHeaders].sort().join(';')}, Signature=${sig}`
  )
}

export type Verdict =
  { ok: true; secretId: string; service: string } | { ok: false; code: string; message: string }

/**
 * Checks a request the way Tencent's published algorithm says. The service
 * name is taken from the credential scope; `host` is the Host header as sent
 * (tccli and the Python SDK sign host:port) or without its port (the Node
 * SDK signs the URL's hostname): the real endpoints listen on 443, where the
 * two are the same.
 */
export function verifyRequest(
  request: RequestToSign,
  lookupSecretKey: (secretId: string) => string | undefined,
  nowSeconds: number,
  /** How far the timestamp may be from now: Tencent's five minutes unless a test shortens it. */
  windowSeconds = 300
): Verdict {
  const fail = (code: string, message: string): Verdict => ({ ok: false, code, message })
  const auth = parseAuthorization(request.headers['authorization'] ?? '')
  if (!auth) return fail('AuthFailure.InvalidAuthorization', 'Authorization header is malformed.')
  if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
    return fail(
      'AuthFailure.InvalidAuthorization',
      'SignedHeaders must include content-type and host.'
    )
  }
  const timestamp = Number(request.headers['x-tc-timestamp'])
  if (!Number.isInteger(timestamp)) {
    return fail('MissingParameter', 'The request is missing X-TC-Timestamp.')
  }
  if (Math.abs(nowSeconds - timestamp) > windowSeconds) {
    return fail(
      'AuthFailure.SignatureExpire',
      'Signature expired: the timestamp is more than 5 minutes off.'
    )
  }
  if (auth.date !== signingDate(timestamp)) {
    return fail(
      'AuthFailure.SignatureFailure',
      'The credential date does not match X-TC-Timestamp.'
    )
  }
  const secretKey = lookupSecretKey(auth.secretId)
  if (secretKey === undefined) {
    return fail('AuthFailure.SecretIdNotFound', 'The SecretId is not found.')
  }
  // The Host as sent (tccli and the Python SDK sign host:port), or without its port (the Node SDK signs the hostname).
  const sent = request.headers['host'] ?? ''
  const hosts = [...new Set([sent, sent.replace(/:\d+$/, '')])]
  const matches = hosts.some(
    (host) =>
      signature(
        secretKey,
        timestamp,
        auth.service,
        canonicalRequest({ ...request, headers: { ...request.headers, host } }, auth.signedHeaders)
      ) === auth.signature
  )
  if (!matches) {
    return fail('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.')
  }
  return { ok: true, secretId: auth.secretId, service: auth.service }
}
