/** The emulator set up the way most tests want it: one owner, one key, one image. */
import { afterEach, beforeEach, expect } from '@jest/globals'
import { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import type { Site } from '../emulator/spec.js'
import type { OidcRole } from '../emulator/identity.js'

export const SECRET_ID = 'AKIDt3stKeyIdForTheEmulator0001'
export const SECRET_KEY = 'tEsTsEcReTkEyThatMustNeverBePrinted'
export const BLUEPRINT_ID = 'lhbp-6jc6l8yb'
export const REGION = 'ap-guangzhou'
/** The account that owns the keys and the images. */
export const OWNER_UIN = '100000000001'

/** The role a job takes with its GitHub token, and the CAM OIDC provider its trust policy names. */
export const ROLE_ARN = `qcs::cam::uin/${OWNER_UIN}:roleName/github-image-sharer`
export const OIDC_PROVIDER = 'github-actions'

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
 * Lets a job of octo-org/golden-images (any ref) take ROLE_ARN with its token,
 * through OIDC_PROVIDER; `role` changes what the trust policy says.
 */
export function oidcRole(emulator: LighthouseEmulator, role: Partial<OidcRole> = {}): void {
  const providerId = role.providerId ?? OIDC_PROVIDER
  emulator.identity.addProvider(providerId).addRole({
    arn: ROLE_ARN,
    providerId,
    subject: 'repo:octo-org/golden-images:*',
    ...role
  })
}

/** The inputs of a share step that takes ROLE_ARN with the job's token instead of keys. */
export function oidcInputs(
  emulator: LighthouseEmulator,
  overrides: Record<string, string> = {}
): Record<string, string> {
  return {
    'blueprint-id': BLUEPRINT_ID,
    region: REGION,
    endpoint: emulator.endpoint,
    'role-arn': ROLE_ARN,
    'oidc-provider-id': OIDC_PROVIDER,
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

/**
 * emulatorForEachTest for tests of one image: `accounts` are root accounts,
 * the image (BLUEPRINT_ID, with what `image` adds) exists, and setUp runs after.
 */
export function emulatorWithImage(
  accounts: string[],
  image: Partial<Parameters<LighthouseEmulator['addBlueprint']>[0]> = {},
  setUp: (emulator: LighthouseEmulator) => void = () => undefined
): LighthouseEmulator {
  return emulatorForEachTest((created) => {
    created.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID, ...image })
    setUp(created)
  })
}
