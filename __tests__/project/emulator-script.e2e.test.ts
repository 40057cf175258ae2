/**
 * scripts/emulator.ts stops when it is told to: on SIGTERM and on SIGINT, and
 * when the processes that started it are gone (`npx tsx … &` in a shell that
 * is then killed), so the next start finds its port free. With --detach it
 * outlives its shell and stops on a signal. Each process here starts in a
 * process group of its own, ended after each test whatever the test did.
 */
import { afterEach, expect, test } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsx = `${root}node_modules/.bin/tsx`

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // The group is already gone.
    }
  }
})

interface Started {
  child: ChildProcess
  endpoint: string
  pid: number
  /** Everything written to stderr so far. */
  stderr: () => string
  /** Resolves when every process holding its stdout has exited. */
  closed: Promise<unknown>
}

/** Starts `file args` in the repository, in its own process group; resolves once the JSON line is out. */
async function start(file: string, args: string[]): Promise<Started> {
  const child = spawn(file, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  const closed = once(child, 'close')
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const line = (await lines.next()).value as string
  const { endpoint, pid } = JSON.parse(line) as { endpoint: string; pid: number }
  return { child, endpoint, pid, stderr: () => stderr, closed }
}

/** Whether something accepts a connection on the endpoint's port. */
async function serving(endpoint: string): Promise<boolean> {
  const socket = connect(Number(new URL(endpoint).port), '127.0.0.1')
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false))
  })
  socket.destroy()
  return connected
}

/** `promise`, or a rejection saying what did not happen within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  const cancel = new AbortController()
  const timeout = sleep(ms, undefined, { signal: cancel.signal }).then(() => {
    throw new Error(`${what}: not within ${ms} ms`)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    cancel.abort()
  }
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  'on %s it stops serving and exits 0',
  async (signal) => {
    const emulator = await start(tsx, ['scripts/emulator.ts', '--port', '0'])
    expect(await serving(emulator.endpoint)).toBe(true)

    emulator.child.kill(signal)
    const [code, killedBy] = (await within(5_000, 'exit', once(emulator.child, 'exit'))) as [
      number | null,
      string | null
    ]

    expect({ code, killedBy }).toEqual({ code: 0, killedBy: null })
    expect(await serving(emulator.endpoint)).toBe(false)
  },
  15_000
)

test('when the shell that started it with npx is killed, it stops by itself', async () => {
  const emulator = await start('bash', ['-c', 'npx tsx scripts/emulator.ts --port 0 & wait'])
  expect(await serving(emulator.endpoint)).toBe(true)

  emulator.child.kill('SIGKILL')
  await within(5_000, 'the emulator stopping', emulator.closed)

  expect(await serving(emulator.endpoint)).toBe(false)
  expect(emulator.stderr()).toContain('emulator: the process that started it is gone; stopping')
}, 15_000)

test('with --detach it outlives the shell that started it, and stops on SIGTERM', async () => {
  const emulator = await start('bash', [
    '-c',
    'npx tsx scripts/emulator.ts --port 0 --detach & wait'
  ])

  emulator.child.kill('SIGKILL')
  await sleep(2_000) // four rounds of the check that stops it without --detach
  expect(await serving(emulator.endpoint)).toBe(true)

  process.kill(emulator.pid, 'SIGTERM')
  await within(5_000, 'the emulator stopping', emulator.closed)
  expect(await serving(emulator.endpoint)).toBe(false)
  expect(emulator.stderr()).not.toContain('emulator:')
}, 15_000)
