import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import {
  authorizationHeader,
  canonicalRequest,
  signature,
  verifyRequest,
  type RequestToSign
} from '../emulator/signature.js'

// The worked example from Tencent Cloud's signing documentation (see shared reference).
const EXAMPLE_BODY =
  '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
const EXAMPLE: RequestToSign = {
  method: 'POST',
  path: '/',
  query: '',
  headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
  body: EXAMPLE_BODY
}
const EXAMPLE_TIMESTAMP = 1551113065
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

describe('TC3-HMAC-SHA256 verifier', () => {
  test('reproduces the official worked example byte for byte', () => {
    expect(sha256(EXAMPLE_BODY)).toBe(
      '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064'
    )
    const canonical = canonicalRequest(EXAMPLE, ['content-type', 'host'])
    expect(sha256(canonical)).toBe(
      '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031'
    )
    expect(signature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', EXAMPLE_TIMESTAMP, 'cvm', canonical)).toBe(
      '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168'
    )
    expect(signature('Gu5t9xGARNpq86cd98joQYCN3*******', EXAMPLE_TIMESTAMP, 'cvm', canonical)).toBe(
      '2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c'
    )
  })

  const secretKey = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE'
  const secretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE'
  const lookup = (id: string): string | undefined => (id === secretId ? secretKey : undefined)
  const signed = (request: RequestToSign, signedHeaders?: string[]): RequestToSign => ({
    ...request,
    headers: {
      ...request.headers,
      'x-tc-timestamp': String(EXAMPLE_TIMESTAMP),
      authorization: authorizationHeader(
        request,
        { secretId, secretKey },
        EXAMPLE_TIMESTAMP,
        'cvm',
        signedHeaders
      )
    }
  })

  test('accepts the example request with the header it builds', () => {
    const request = signed(EXAMPLE)
    expect(request.headers.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168'
    )
    expect(verifyRequest(request, lookup, EXAMPLE_TIMESTAMP + 10)).toEqual({
      ok: true,
      secretId,
      service: 'cvm'
    })
  })

  test('signs with the Host header less its port, as the SDK does', () => {
    const request = signed(EXAMPLE)
    const withPort = {
      ...request,
      headers: { ...request.headers, host: 'cvm.tencentcloudapi.com:8443' }
    }
    expect(verifyRequest(withPort, lookup, EXAMPLE_TIMESTAMP)).toEqual({
      ok: true,
      secretId,
      service: 'cvm'
    })
  })

  test('accepts host:port signed as sent, as tccli and the Python SDK sign it, and no other port', () => {
    const onPort = {
      ...EXAMPLE,
      headers: { ...EXAMPLE.headers, host: 'cvm.tencentcloudapi.com:8443' }
    }
    const request = signed(onPort)
    expect(verifyRequest(request, lookup, EXAMPLE_TIMESTAMP)).toEqual({
      ok: true,
      secretId,
      service: 'cvm'
    })
    const movedPort = {
      ...request,
      headers: { ...request.headers, host: 'cvm.tencentcloudapi.com:9443' }
    }
    expect(verifyRequest(movedPort, lookup, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureFailure'
    })
  })

  test('reads header values in lower case, as the algorithm says, whatever case they are sent in', () => {
    const lower = signed(
      { ...EXAMPLE, headers: { ...EXAMPLE.headers, 'x-tc-action': 'describeinstances' } },
      ['content-type', 'host', 'x-tc-action']
    )
    const mixed = {
      ...lower,
      headers: {
        ...lower.headers,
        'content-type': 'Application/JSON; charset=UTF-8',
        'x-tc-action': 'DescribeInstances'
      }
    }
    expect(verifyRequest(mixed, lookup, EXAMPLE_TIMESTAMP)).toEqual({
      ok: true,
      secretId,
      service: 'cvm'
    })
  })

  test('builds canonical headers from whatever SignedHeaders names', () => {
    const request = signed(
      { ...EXAMPLE, headers: { ...EXAMPLE.headers, 'x-tc-action': 'describeinstances' } },
      ['content-type', 'host', 'x-tc-action']
    )
    expect(verifyRequest(request, lookup, EXAMPLE_TIMESTAMP)).toEqual({
      ok: true,
      secretId,
      service: 'cvm'
    })
    const tampered = { ...request, headers: { ...request.headers, 'x-tc-action': 'runinstances' } }
    expect(verifyRequest(tampered, lookup, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureFailure'
    })
  })

  test('rejects a changed body', () => {
    const request = { ...signed(EXAMPLE), body: EXAMPLE_BODY.replace('1', '2') }
    expect(verifyRequest(request, lookup, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureFailure'
    })
  })

  test('rejects a wrong secret key', () => {
    const request = signed(EXAMPLE)
    expect(verifyRequest(request, () => 'another-key', EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureFailure'
    })
  })

  test('rejects an unknown secret ID', () => {
    expect(verifyRequest(signed(EXAMPLE), () => undefined, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SecretIdNotFound'
    })
  })

  test('rejects a timestamp more than five minutes off', () => {
    expect(verifyRequest(signed(EXAMPLE), lookup, EXAMPLE_TIMESTAMP + 301)).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureExpire'
    })
    expect(verifyRequest(signed(EXAMPLE), lookup, EXAMPLE_TIMESTAMP + 300)).toMatchObject({
      ok: true
    })
  })

  test('requires content-type and host among the signed headers', () => {
    expect(verifyRequest(signed(EXAMPLE, ['host']), lookup, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.InvalidAuthorization'
    })
  })

  test('rejects a missing or malformed Authorization header', () => {
    const request = signed(EXAMPLE)
    const headers = { ...request.headers, authorization: 'TC3-HMAC-SHA256 Credential=x' }
    expect(verifyRequest({ ...request, headers }, lookup, EXAMPLE_TIMESTAMP)).toMatchObject({
      ok: false,
      code: 'AuthFailure.InvalidAuthorization'
    })
  })
})
