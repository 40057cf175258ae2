/** How the SDK's failures become this action's errors. */
import { expect, test } from '@jest/globals'
import { ApiError, HostNotFoundError, TransportError } from '../src/api-errors.js'
import { parseEndpoint } from '../src/inputs.js'
import { sdkTransport } from '../src/sdk-transport.js'

/** An SDK client whose every request fails as the SDK would fail it. */
const failingWith = (failure: { message: string; code?: string; requestId?: string }) => ({
  request: () => Promise.reject(Object.assign(new Error(failure.message), failure))
})
const endpoint = parseEndpoint('lighthouse.intl.tencentcloudapi.com')
const send = (failure: { message: string; code?: string; requestId?: string }) =>
  sdkTransport(failingWith(failure), { service: 'lighthouse', endpoint })('DescribeBlueprints', {})

test('a host that does not exist is named with the input it came from, and is no transport error', async () => {
  const error = await send({
    message:
      'request to https://lighthouse.intl.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND lighthouse.intl.tencentcloudapi.com'
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(HostNotFoundError)
  expect((error as Error).message).toBe(
    'DescribeBlueprints: the host lighthouse.intl.tencentcloudapi.com does not exist (DNS answered ENOTFOUND). ' +
      'It comes from input "endpoint": check the host name.'
  )
})

test('a proxy host that does not exist is named as the proxy', async () => {
  const error = await send({
    message: 'request to https://x/ failed, reason: getaddrinfo ENOTFOUND proxy.corp'
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(HostNotFoundError)
  expect((error as Error).message).toContain('proxy.corp does not exist')
  expect((error as Error).message).toContain('proxy')
})

test('a resolver that cannot answer now (EAI_AGAIN) is a transport error, so it is retried', async () => {
  const error = await send({
    message:
      'request to https://x/ failed, reason: getaddrinfo EAI_AGAIN lighthouse.intl.tencentcloudapi.com'
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(TransportError)
})

test('an API error keeps its code, message and RequestId, made safe to print', async () => {
  const error = await send({
    code: 'InternalError.\n::stop-commands::x',
    message: 'busy\r::warning::forged',
    requestId: 'req\n1'
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ApiError)
  expect(error).toMatchObject({
    code: 'InternalError.\\n::stop-commands::x',
    apiMessage: 'busy\\r::warning::forged',
    requestId: 'req\\n1'
  })
  expect((error as ApiError).kind).toBe('transient')
})
