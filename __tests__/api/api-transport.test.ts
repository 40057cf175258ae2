/** The transport against real local servers: what each kind of answer becomes, and where requests may go. */
import { afterEach, describe, expect, test } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiError, EndpointError, TransportError } from '../../src/cloud/api-errors.js'
import { createStsTransport } from '../../src/cloud/api-transport.js'
import { parseEndpoint } from '../../src/action/inputs/parse.js'
import { ConnectProxy } from '../helpers/connect-proxy.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void
const servers: Server[] = []
const proxies: ConnectProxy[] = []

/** A server on 127.0.0.1 that answers every request with handler, and counts them. */
async function serve(handler: Handler): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      requests.push(body)
      handler(req, res)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

const json =
  (body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

function transportTo(endpoint: string, proxy?: string, requestTimeoutSeconds = 5) {
  return createStsTransport({
    region: 'ap-guangzhou',
    endpoint: parseEndpoint(endpoint, 'sts-endpoint'),
    language: 'en-US',
    requestTimeoutSeconds,
    proxy
  })
}
const failureOf = (endpoint: string, proxy?: string, timeout?: number) =>
  transportTo(
    endpoint,
    proxy,
    timeout
  )('AssumeRoleWithWebIdentity', { WebIdentityToken: 'secret-jwt' }).then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as Error
  )

afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.stop()
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

describe('answers', () => {
  test('an API error keeps its code, message and RequestId, its text made safe to print', async () => {
    const { url } = await serve(
      json({
        Response: {
          Error: { Code: 'InternalError.\n::x', Message: 'busy\r::warning::f' },
          RequestId: 'e35a5b7b-4dfa-49f8-8729-ba5c504807e0'
        }
      })
    )
    const error = await failureOf(url)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'InternalError.\\n::x',
      apiMessage: 'busy\\r::warning::f',
      requestId: 'e35a5b7b-4dfa-49f8-8729-ba5c504807e0'
    })
  })

  test.each([
    ['a Code that is not a string', { Response: { Error: { Code: 7 }, RequestId: 'r' } }],
    ['a Response that is a list', { Response: [{ RequestId: 'r' }] }],
    ['a RequestId that is a number', { Response: { RequestId: 7 } }],
    [
      "a RequestId that is not of the API's form",
      { Response: { RequestId: 'x\n::set-output name=a::b' } }
    ],
    ['no Response', { Error: 'x' }],
    ['a body that is not JSON', '<html>gateway</html>']
  ])('%s is no answer (a TransportError, retried)', async (_what, body) => {
    const { url } = await serve(json(body))
    expect(await failureOf(url)).toBeInstanceOf(TransportError)
  })

  test('a gateway status is a TransportError with the status', async () => {
    const { url } = await serve((_req, res) => res.writeHead(502).end('bad gateway'))
    expect(await failureOf(url)).toMatchObject({ name: 'TransportError', httpStatus: 502 })
  })

  test('a server that does not answer in time is a TransportError', async () => {
    const { url } = await serve(() => undefined)
    const error = await failureOf(url, undefined, 1)
    expect(error).toBeInstanceOf(TransportError)
    expect(error.message).toContain('no answer within 1 s')
  })
})

describe('where requests go', () => {
  test('a redirect is not followed: the host it names receives nothing, and no retry can help', async () => {
    const collector = await serve(json({ Response: { RequestId: 'stolen' } }))
    const { url } = await serve((_req, res) =>
      res.writeHead(307, { Location: `${collector.url}/` }).end()
    )
    const error = await failureOf(url)
    expect(error).toBeInstanceOf(EndpointError)
    expect(error.message).toContain(
      `answered HTTP 307 with a redirect to ${new URL(collector.url).host}`
    )
    expect(error.message).toContain('input "sts-endpoint"')
    expect(collector.requests).toEqual([])
  })

  test('a proxy that answers CONNECT with a redirect is a proxy failure naming its host, never its password', async () => {
    const collector = await serve(json({ Response: { RequestId: 'stolen' } }))
    const proxy = new ConnectProxy({
      connectAnswer: `307 Temporary Redirect\r\nLocation: ${collector.url}/`
    })
    proxies.push(proxy)
    const proxyUrl = new URL(await proxy.start())
    proxyUrl.username = 'user'
    proxyUrl.password = 'proxy-password'

    const error = await failureOf('https://sts.tencentcloudapi.com', proxyUrl.href)

    expect(error).toBeInstanceOf(EndpointError)
    expect(error.message).toContain(`the proxy ${proxyUrl.host} answered HTTP 307`)
    expect(error.message).toContain('sts.tencentcloudapi.com')
    expect(error.message).not.toContain('proxy-password')
    expect(proxy.tunnels).toEqual(['sts.tencentcloudapi.com:443'])
    expect(collector.requests).toEqual([])
  })

  test('a host that does not exist is named with the input it came from, and is not retried', async () => {
    const error = await failureOf('https://no-such-host.invalid')
    expect(error).toBeInstanceOf(EndpointError)
    expect(error.message).toBe(
      'AssumeRoleWithWebIdentity: the host no-such-host.invalid does not exist (DNS answered ENOTFOUND). ' +
        'It comes from input "sts-endpoint": check the host name.'
    )
  })
})
