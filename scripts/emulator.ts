/**
 * `npx tsx scripts/emulator.ts [--port N] [--world world.json] [--detach]`:
 * the Lighthouse emulator as a standalone server on 127.0.0.1, for running
 * the action by hand or with `uses: ./` on a real runner (see CONTRIBUTING.md
 * and .github/workflows/ci.yml). Without a world file it holds one image and
 * a few root accounts; a world file sets the site, images in several regions,
 * accounts of each kind, and an OIDC provider and role. It prints one line of
 * JSON with everything a step needs, and `pid`, its own process id (the one
 * under npx and tsx), then serves until it is stopped.
 *
 * It stops, exiting 0, on SIGTERM or SIGINT, and when the processes that
 * started it are gone: `npx tsx … &` then `kill $!` ends npm exec, and the
 * emulator follows within a second instead of holding its port. With
 * `--detach` it outlives the shell that started it (a CI step that starts it
 * with `&` for the later steps) and stops only on a signal.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { LighthouseEmulator } from '../__tests__/emulator/lighthouse-emulator.js'
import type { Site } from '../__tests__/emulator/spec.js'

interface World {
  site?: Site
  images: { id: string; region?: string; name?: string; state?: string; sharedWith?: string[] }[]
  accounts: { root?: string[]; sub?: string[]; 'other-site'?: string[] }
  oidc?: { provider: string; roleArn: string; subject: string }
}

const DEFAULT_WORLD: World = {
  images: [{ id: 'lhbp-runner01', name: 'golden-runner-check', sharedWith: ['200000000001'] }],
  accounts: { root: ['200000000001', '200000000002', '200000000003'] }
}

/**
 * The processes above this one, parent first, up to init (from /proc; without
 * it, only the parent). Watched because `npx tsx` puts npm exec and the tsx
 * CLI above the script: `kill $!` ends npm exec and leaves the tsx CLI, so the
 * parent alone never changes; the chain does, since npm exec's child is
 * reparented.
 */
function ancestors(): number[] {
  if (!existsSync('/proc')) return [process.ppid]
  const chain: number[] = []
  for (let pid = process.ppid; pid > 1;) {
    chain.push(pid)
    try {
      // "pid (comm) state ppid …", where comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    } catch {
      break
    }
  }
  return chain
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    world: { type: 'string' },
    detach: { type: 'boolean', default: false }
  }
})
// Read before the JSON line is out: a parent that is gone as soon as it has
// read the line is then seen as gone.
const startedBy = ancestors().join()
const world = values.world
  ? (JSON.parse(readFileSync(values.world, 'utf8')) as World)
  : DEFAULT_WORLD
const keys = {
  secretId: 'AKIDrunnerKeyForTheLocalEmulator',
  secretKey: 'runner-emulator-secret-key'
}

const emulator = new LighthouseEmulator({ site: world.site })
emulator.addCredential(keys)
for (const kind of ['root', 'sub', 'other-site'] as const) {
  emulator.addAccounts(kind, world.accounts[kind] ?? [])
}
for (const image of world.images) emulator.addBlueprint(image)
if (world.oidc) {
  emulator.identity.addProvider(world.oidc.provider).addRole({
    arn: world.oidc.roleArn,
    providerId: world.oidc.provider,
    subject: world.oidc.subject
  })
}
await emulator.start(Number(values.port))
const [first] = world.images
console.log(
  JSON.stringify({
    endpoint: emulator.endpoint,
    pid: process.pid,
    ...keys,
    site: emulator.site,
    blueprintId: first?.id,
    region: first?.region ?? 'ap-guangzhou',
    accounts: world.accounts.root ?? [],
    sharedWith: first?.sharedWith ?? [],
    ...(world.oidc ? { oidc: { ...world.oidc, ...emulator.idTokenVariables } } : {})
  })
)

let stopping = false
let watch: NodeJS.Timeout | undefined
/** Stops the server and exits 0; asked again while stopping (a second Ctrl-C), exits at once. */
function stop(why?: string): void {
  if (stopping) process.exit(0)
  stopping = true
  clearInterval(watch)
  if (why) console.error(`emulator: ${why}; stopping`)
  void emulator.stop().then(() => process.exit(0))
}
process.on('SIGTERM', () => stop())
process.on('SIGINT', () => stop())
if (!values.detach) {
  watch = setInterval(() => {
    if (ancestors().join() !== startedBy) stop('the process that started it is gone')
  }, 500).unref()
}
