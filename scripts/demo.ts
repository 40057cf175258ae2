/**
 * `npm run demo`: the bundled action against the built-in Lighthouse emulator,
 * twice, to show a first share and a harmless re-run.
 */
import { LighthouseEmulator } from '../__tests__/emulator/lighthouse-emulator.js'
import { readableSummary } from '../__tests__/helpers/readable-summary.js'
import { runAction } from '../__tests__/helpers/run-action.js'

const credentials = { secretId: 'AKIDdemoKeyForTheLocalEmulator01', secretKey: 'demo-secret-key' }
const blueprintId = 'lhbp-demo0001'
const accounts = ['200000000001', '200000000002', '200000000003']

const emulator = new LighthouseEmulator()
emulator
  .addCredential(credentials)
  .addAccounts('root', accounts)
  .addBlueprint({ id: blueprintId, name: 'golden-ubuntu-22.04', sharedWith: [accounts[0]] })
await emulator.start()

try {
  for (const run of ['First run', 'Re-run']) {
    console.log(`\n=== ${run}: share ${blueprintId} with ${accounts.join(', ')} ===\n`)
    const result = await runAction({
      'blueprint-id': blueprintId,
      'account-ids': accounts.join('\n'),
      region: 'ap-guangzhou',
      'secret-id': credentials.secretId,
      'secret-key': credentials.secretKey,
      endpoint: emulator.endpoint
    })
    console.log('--- log ---')
    process.stdout.write(result.stdout.replace(/^::(add-mask|debug)::.*\n/gm, ''))
    console.log(`--- exit code ${result.exitCode} ---`)
    console.log('--- outputs ---')
    for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}: ${value}`)
    console.log('--- job summary (as the Actions UI shows it) ---')
    console.log(readableSummary(result.summary))
    if (result.exitCode !== 0) process.exitCode = 1
  }
  console.log(`API calls the emulator answered: ${emulator.actions.join(', ')}`)
} finally {
  await emulator.stop()
}
