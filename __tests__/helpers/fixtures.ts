/** The emulator set up the way most tests want it: one owner, one key, one image. */
import { afterEach, beforeEach, expect } from '@jest/globals'
import { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import type { Site } from '../emulator/spec.js'

export const SECRET_ID = 'AKIDt3stKeyIdForTheEmulator0001'
export const SECRET_KEY = 'tEsTsEcReTkEyThatMustNeverBePrinted'
export const BLUEPRINT_ID = 'lhbp-6jc6l8yb'
export const REGION = 'ap-guangzhou'
/** The account that owns the keys and the images. */
export const OWNER_UIN = '100000000001'

/** Root accounts the emulator knows: ROOT[0] ... ROOT[n-1]. */
export function rootAccounts(count: number, first = 200000000001): string[] {
  return Array.from({ length: count }, (_, i) => String(first + i))
}

export async function startEmulator(site: Site = 'china'): Promise<LighthouseEmulator> {
  const emulator = new LighthouseEmulator({ ownerUin: OWNER_UIN, site })
  emulator.addCredential({ secretId: SECRET_ID, secretKey: SECRET_KEY })
  await emulator.start()
  return emulator
}

/** The inputs of a share step against this emulator. */
export function shareInputs(
  emulator: LighthouseEmulator,
  overrides: Record<string, string> = {}
): Record<string, string> {
  return {
    'blueprint-id': BLUEPRINT_ID,
    'account-ids': '',
    region: REGION,
    'secret-id': SECRET_ID,
    'secret-key': SECRET_KEY,
    endpoint: emulator.endpoint,
    ...overrides
  }
}

/**
 * A fresh emulator for each test of the file that calls this at its top
 * level, stopped after the test; setUp runs on each one. The object returned
 * always stands for the current test's emulator. A test fails when a request
 * or an answer strayed from Tencent's spec.
 */
export function emulatorForEachTest(
  setUp: (emulator: LighthouseEmulator) => void = () => undefined,
  site: Site = 'china'
): LighthouseEmulator {
  let current: LighthouseEmulator | undefined
  beforeEach(async () => {
    current = await startEmulator(site)
    setUp(current)
  })
  afterEach(async () => {
    const violations = current?.violations ?? []
    await current?.stop()
    current = undefined
    // Every test is a contract test too: neither side strayed from Tencent's spec.
    expect(violations).toEqual([])
  })
  const now = (): LighthouseEmulator => {
    if (!current) throw new Error('The emulator exists only while a test runs.')
    return current
  }
  return new Proxy({} as LighthouseEmulator, {
    get: (_, name) => {
      const value: unknown = Reflect.get(now(), name)
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(now())
        : value
    },
    set: (_, name, value) => Reflect.set(now(), name, value)
  })
}
