/** The emulator set up the way most tests want it: one owner, one key, one image. */
import { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'

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

export async function startEmulator(): Promise<LighthouseEmulator> {
  const emulator = new LighthouseEmulator({ ownerUin: OWNER_UIN })
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
