/**
 * A minimal HTTP CONNECT proxy on 127.0.0.1 that records where it tunnels
 * to; given connectAnswer (status line and headers), it answers every CONNECT
 * with that instead, and tunnels nowhere.
 */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export class ConnectProxy {
  readonly tunnels: string[] = []
  private readonly sockets = new Set<Socket>()
  private server?: Server

  constructor(private readonly options: { connectAnswer?: string } = {}) {}

  async start(): Promise<string> {
    const server = createServer((_req, res) => res.writeHead(405).end())
    server.on('connect', (req, client: Socket, head: Buffer) => {
      this.tunnels.push(req.url ?? '')
      if (this.options.connectAnswer) {
        client.end(`HTTP/1.1 ${this.options.connectAnswer}\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client).pipe(upstream)
      })
      for (const socket of [client, upstream]) {
        this.sockets.add(socket)
        socket.on('error', () => socket.destroy())
        socket.on('close', () => this.sockets.delete(socket))
      }
    })
    this.server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}
