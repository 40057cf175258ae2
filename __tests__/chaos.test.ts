/** A fixed set of seeded chaos runs: the invariants hold on each (npm run chaos runs more). */
import { expect, test } from '@jest/globals'
import { drawScenario, runScenario } from './chaos/chaos.js'

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1)

test.each(SEEDS)(
  'chaos seed %i keeps every invariant',
  async (seed) => {
    const scenario = drawScenario(seed)
    expect(await runScenario(scenario)).toEqual([])
  },
  60_000
)
