import { describe, expect, jest, test } from '@jest/globals'
import { describeIdentity, readStaticCredentials } from '../src/credentials.js'
import type { GetInput } from '../src/inputs.js'

const inputs =
  (values: Record<string, string>): GetInput =>
  (name) =>
    values[name] ?? ''

describe('readStaticCredentials', () => {
  test('reads the inputs first', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'env-id', TENCENTCLOUD_SECRET_KEY: 'env-key' }
    const read = readStaticCredentials(
      inputs({ 'secret-id': 'in-id', 'secret-key': 'in-key', 'session-token': 'in-token' }),
      env,
      jest.fn()
    )
    expect(read).toEqual({ secretId: 'in-id', secretKey: 'in-key', sessionToken: 'in-token' })
  })

  test('falls back to the environment', () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'env-id', TENCENTCLOUD_SECRET_KEY: ' env-key\n' }
    expect(readStaticCredentials(inputs({}), env, jest.fn())).toEqual({
      secretId: 'env-id',
      secretKey: 'env-key',
      sessionToken: undefined
    })
  })

  test.each([
    [
      {
        TENCENTCLOUD_SESSION_TOKEN: 'a',
        TENCENTCLOUD_TOKEN: 'b',
        TENCENTCLOUD_SECURITY_TOKEN: 'c'
      },
      'a'
    ],
    [{ TENCENTCLOUD_TOKEN: 'b', TENCENTCLOUD_SECURITY_TOKEN: 'c' }, 'b'],
    [{ TENCENTCLOUD_SECURITY_TOKEN: 'c' }, 'c']
  ])('takes the session token from %j in order of preference', (tokens, expected) => {
    const read = readStaticCredentials(
      inputs({ 'secret-id': 'i', 'secret-key': 'k' }),
      tokens,
      jest.fn()
    )
    expect(read.sessionToken).toBe(expected)
  })

  test('masks every value it reads, the missing-credential case included', () => {
    const setSecret = jest.fn()
    expect(() =>
      readStaticCredentials(inputs({ 'secret-key': 'key', 'session-token': 'tok' }), {}, setSecret)
    ).toThrow()
    expect(setSecret.mock.calls).toEqual([['key'], ['tok']])
  })

  test('names both the inputs and the environment variables when credentials are missing', () => {
    expect(() => readStaticCredentials(inputs({ 'secret-id': 'id' }), {}, jest.fn())).toThrow(
      'Missing credentials: "secret-key" (or TENCENTCLOUD_SECRET_KEY). Set the "secret-id" and "secret-key" ' +
        'inputs (from repository secrets), or the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables.'
    )
  })
})

describe('describeIdentity', () => {
  test('shows only the first six characters of the key ID', () => {
    expect(describeIdentity({ secretId: 'AKIDabcdefghijkl', secretKey: 'secret' })).toBe(
      'API key AKIDab…'
    )
    expect(
      describeIdentity({ secretId: 'AKIDabcdefghijkl', secretKey: 's', sessionToken: 't' })
    ).toBe('temporary API key AKIDab…')
  })
})
