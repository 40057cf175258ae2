/**
 * `npx tsx scripts/emulator.ts [--port N] [--world world.json]`: the
 * Lighthouse emulator as a standalone server on 127.0.0.1, for running the
 * action by hand or with `uses: ./` on a real runner (see CONTRIBUTING.md and
 * .github/workflows/ci.yml). Without a world file it holds one image and a
 * few root accounts; a world file sets the site, images in several regions,
 * accounts of each kind, and an OIDC provider and role. It prints one line of
 * JSON with everything a step needs and serves until it is stopped.
 */
import { readFileSync } from 'node:fs'
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

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, world: { type: 'string' } }
})
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
    ...keys,
    site: emulator.site,
    blueprintId: first?.id,
    region: first?.region ?? 'ap-guangzhou',
    accounts: world.accounts.root ?? [],
    sharedWith: first?.sharedWith ?? [],
    ...(world.oidc ? { oidc: { ...world.oidc, ...emulator.idTokenVariables } } : {})
  })
)

const stop = () => void emulator.stop().then(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
