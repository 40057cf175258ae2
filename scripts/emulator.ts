/**
 * `npx tsx scripts/emulator.ts [--port N]`: the Lighthouse emulator as a
 * standalone server on 127.0.0.1, for running the action with `uses: ./` on a
 * real runner (see .github/workflows/ci.yml). It holds one image and a few
 * root accounts, prints one line of JSON with everything a step needs
 * (endpoint, keys, image, accounts), and serves until it is stopped.
 */
import { parseArgs } from 'node:util'
import { LighthouseEmulator } from '../__tests__/emulator/lighthouse-emulator.js'

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } })

const EMULATOR_SETUP = {
  secretId: 'AKIDrunnerKeyForTheLocalEmulator',
  secretKey: 'runner-emulator-secret-key',
  blueprintId: 'lhbp-runner01',
  region: 'ap-guangzhou',
  accounts: ['200000000001', '200000000002', '200000000003'],
  sharedWith: ['200000000001']
}

const emulator = new LighthouseEmulator()
emulator
  .addCredential({ secretId: EMULATOR_SETUP.secretId, secretKey: EMULATOR_SETUP.secretKey })
  .addAccounts('root', EMULATOR_SETUP.accounts)
  .addBlueprint({
    id: EMULATOR_SETUP.blueprintId,
    name: 'golden-runner-check',
    sharedWith: EMULATOR_SETUP.sharedWith
  })
await emulator.start(Number(values.port))
console.log(JSON.stringify({ endpoint: emulator.endpoint, ...EMULATOR_SETUP }))

const stop = () => void emulator.stop().then(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
