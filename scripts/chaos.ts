/**
 * `npm run chaos -- [--seeds N] [--first S]`: runs N seeded chaos scenarios
 * (default 200, from seed 1) and prints each one that breaks an invariant,
 * with its seed, so it can be run again alone with `--first S --seeds 1`.
 */
import { parseArgs } from 'node:util'
import { drawScenario, runScenario } from '../__tests__/chaos/chaos.js'

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '200' }, first: { type: 'string', default: '1' } }
})
const first = Number(values.first)
const count = Number(values.seeds)
let failures = 0
const started = Date.now()
for (let seed = first; seed < first + count; seed++) {
  const scenario = drawScenario(seed)
  const broken = await runScenario(scenario)
  if (broken.length > 0) {
    failures += 1
    console.log(`seed ${seed}: ${JSON.stringify(scenario)}\n  ${broken.join('\n  ')}`)
  }
}
console.log(
  `${count - failures} passed, ${failures} failed (seeds ${first} to ${first + count - 1}, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s)`
)
process.exit(failures > 0 ? 1 : 0)
