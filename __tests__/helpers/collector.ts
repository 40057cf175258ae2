/** A server on 127.0.0.1 that records every request it gets: where a redirect would send the credentials. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export class Collector {
  /** Each request as method, headers and body. */
  readonly received: { headers: Record<string, unknown>; body: string }[] = []
  private server?: Server

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        this.received.push({ headers: req.headers, body })
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ Response: { RequestId: 'collected' } }))
      })
    })
    this.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}
