/**
 * Seeded chaos: a random share list, random requests and random faults
 * (errors, gateway statuses, dropped and lost answers, slow requests,
 * credentials that expire), the action run in process against the emulator
 * with real HTTP, and the invariants checked on what it did and printed.
 * The same seed draws the same scenario; faults land on the same calls as
 * long as the action makes the same calls.
 */
import { createSignedTransport, createStsTransport } from '../../src/cloud/api-transport.js'
import { run, type Runtime } from '../../src/action/main.js'
import { runtimeWith } from '../helpers/runtime.js'
import type { SummaryWriter } from '../../src/action/report/summary.js'
import { LighthouseEmulator, apiTime, type Fault } from '../emulator/lighthouse-emulator.js'
import { mayAnswer, type Site } from '../emulator/spec.js'
import { Collector } from '../helpers/collector.js'
import { OrganizationEmulator } from '../emulator/organization.js'
import {
  FAMILY_NAME,
  FAMILY_PATTERN,
  checkAgreement,
  checkDeletions,
  checkLifecycle,
  checkOffboarded,
  drawEvidence,
  setUpFamily,
  type EvidenceScenario,
  type FamilyScenario,
  type FamilyWorld
} from './lifecycle.js'
import { SHARE, CANCEL, SYNC } from '../helpers/actions.js'

const BLUEPRINT_ID = 'lhbp-ch4os001'
const REGION = 'ap-guangzhou'
const OWNER = '100000000001'
const SECRET_ID = 'AKIDchaosKeyForTheEmulator00001'
const SECRET_KEY = 'cHaOsSeCrEtKeyThatMustNeverBePrinted'
const ROLE_ARN = `qcs::cam::uin/${OWNER}:roleName/chaos`
const PROVIDER = 'github-actions'

const ROOTS = Array.from({ length: 24 }, (_, i) => String(200000000001 + i))
/** Accounts the API refuses, one of each kind. */
const REFUSED = ['300000000001', '400000000001', '500000000001', OWNER]

/** Names an image may have: some try to inject workflow commands or Markdown. */
const NAMES = [
  'golden-ubuntu-22.04',
  'golden\n::stop-commands::pwned',
  'img\r::warning::forged',
  '##[add-mask]x',
  'x\r\r# heading\n\n[link](https://evil.example)'
]
const HOSTILE_MESSAGES = [
  'busy',
  'busy\n::error::forged',
  '<img src=x>\r\r[l](https://evil.example)'
]

/** Calls that change something: their answers can be lost after the change. */
const CHANGES = [SHARE, CANCEL, SYNC, 'DeleteBlueprints', 'ModifyImageSharePermission']
/** With image-id: the CVM image the blueprint is (or was) made from. */
const CVM_IMAGE = 'img-ch4oscvm'
/** Where copies go: the source is in ap-guangzhou, so mainland regions only. */
const COPY_REGIONS = ['ap-shanghai', 'ap-beijing']

/** mulberry32: small, fast and good enough to draw scenarios from a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Scenario {
  seed: number
  initial: string[]
  share: string[]
  revoke: string[]
  revokeUnlisted: boolean
  dryRun: boolean
  onAccountError: 'fail' | 'warn'
  oidc: boolean
  /** Lifetime of the role's credentials, short enough to expire during the run. */
  credentialSeconds: number
  name: string
  syncingForMs: number
  faultRate: number
  /** copy-to-regions: mainland regions, as the source is ap-guangzhou. */
  copyTo: string[]
  /** Whose spec the emulator plays: the international site has no share-list read. */
  site: Site
  /**
   * Another build of the same name: in the source region, older or newer than
   * the image, and in each copy region its copy, marked as such or not (as an
   * older release of this action left them), each with shares of its own.
   */
  otherBuild: { newer: boolean; markedCopies: boolean[] } | undefined
  /** mask-account-ids: then no account ID is printed in full. */
  mask: boolean
  /** How often an answer is a redirect to a collector, which must never be followed. */
  redirectRate: number
  /** organization-units: members in a small tree, one of whom may leave while the step runs. */
  organization: OrganizationScenario | undefined
  /** family, keep-shared, keep-images: older versions of the image, each with shares, and maybe a newer one. */
  family: FamilyScenario | undefined
  /** Evidence the irreversible acts must not take for more than it is (see chaos/lifecycle.ts). */
  evidence: EvidenceScenario
  /** image-id: the image comes from a CVM image, its blueprint made by an earlier run, or by this one. */
  cvm: { made: boolean } | undefined
}

/** With a family the image is named FAMILY_NAME, a version of FAMILY_PATTERN. */
function drawFamily(
  next: () => number,
  some: <T>(items: readonly T[], p: number) => T[]
): FamilyScenario {
  const count = 2 + Math.floor(next() * 3)
  const keepShared = 1 + Math.floor(next() * 2)
  return {
    older: Array.from({ length: count }, () => some(ROOTS, 0.2)),
    newer: next() < 0.4 ? some(ROOTS, 0.2) : undefined,
    keepShared,
    keepImages: next() < 0.6 ? keepShared + Math.floor(next() * 2) : undefined,
    oldestInUse: next() < 0.3
  }
}

/** The units: prod (with prod-eu under it) and test, under the root. */
const ROOT_UNIT = 900
const UNITS = [
  { id: 901, name: 'prod' },
  { id: 902, name: 'prod-eu', parent: 901 },
  { id: 903, name: 'test' }
]
const MANAGEMENT = '100000000009'
const ORGANIZATION_ROLE = `qcs::cam::uin/${MANAGEMENT}:roleName/organization-reader`

export interface OrganizationScenario {
  /** Members (besides the management account, and the owner when it is not that) and their units. */
  members: { uin: string; unit: number }[]
  units: 'all' | string[]
  /** Read as a role in another management account; else the owner manages the organization. */
  role: boolean
  /** A member that leaves when the members are first asked for: either reading is right. */
  leaver?: string
}

function drawOrganization(
  next: () => number,
  pick: <T>(items: readonly T[]) => T,
  some: <T>(items: readonly T[], p: number) => T[]
): OrganizationScenario {
  const units = [ROOT_UNIT, ...UNITS.map((u) => u.id)]
  // The sub-user is a member too, now and then: the API refuses to share with it.
  const uins = [...some(ROOTS, 0.4), ...(next() < 0.2 ? ['400000000001'] : [])]
  const members = uins.map((uin) => ({ uin, unit: pick(units) }))
  const chosen = some(UNITS, 0.5).map((u) => String(u.id))
  return {
    members,
    units: chosen.length === 0 ? 'all' : chosen,
    role: next() < 0.5,
    leaver: members.length > 0 && next() < 0.3 ? pick(members).uin : undefined
  }
}

export function drawScenario(seed: number): Scenario {
  const next = random(seed)
  const chance = (p: number) => next() < p
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const some = <T>(items: readonly T[], p: number) => items.filter(() => chance(p))

  const initial = some(ROOTS, 0.3)
  const share = [...some(ROOTS, 0.3), ...(chance(0.3) ? [pick(REFUSED)] : [])]
  const revoke = [
    ...some(
      ROOTS.filter((a) => !share.includes(a)),
      0.15
    ),
    ...(chance(0.15) ? [pick(REFUSED.filter((a) => !share.includes(a)))] : [])
  ]
  if (share.length === 0 && revoke.length === 0) share.push(pick(ROOTS))
  const scenario: Scenario = {
    seed,
    initial,
    share,
    revoke,
    revokeUnlisted: share.length > 0 && chance(0.25),
    dryRun: chance(0.15),
    onAccountError: chance(0.5) ? 'fail' : 'warn',
    oidc: chance(0.4),
    credentialSeconds: 2,
    name: pick(NAMES),
    syncingForMs: chance(0.2) ? 150 + Math.floor(next() * 300) : 0,
    faultRate: 0.05 + next() * 0.25,
    // Drawn last, so the seeds drawn before copies existed keep their scenarios.
    copyTo: chance(0.3) ? some(COPY_REGIONS, 0.6) : [],
    // Drawn after copies, likewise.
    site: chance(0.4) ? 'international' : 'china',
    otherBuild: chance(0.4)
      ? { newer: chance(0.5), markedCopies: COPY_REGIONS.map(() => chance(0.5)) }
      : undefined,
    // Drawn after the sites, likewise.
    mask: chance(0.3),
    redirectRate: chance(0.2) ? 0.03 : 0,
    // Drawn after masking, likewise.
    organization: chance(0.3) ? drawOrganization(next, pick, some) : undefined,
    // Drawn after organizations, likewise.
    family: chance(0.3) ? drawFamily(next, some) : undefined,
    // Drawn after organizations, families and evidence, likewise.
    evidence: drawEvidence(chance),
    cvm: chance(0.25) ? { made: chance(0.5) } : undefined
  }
  const { organization, evidence, family } = scenario
  if (family && evidence.keepMore) {
    family.keepShared += 2
    if (family.keepImages !== undefined)
      family.keepImages = Math.max(family.keepImages, family.keepShared)
  }
  if (family && evidence.copyFamily && scenario.copyTo.length === 0) {
    scenario.copyTo = [...COPY_REGIONS]
  }
  // Not with a family or an organization: the seeds that catch their faults keep their calls, and so their faults.
  if (family || organization) scenario.cvm = undefined
  // A blueprint this run makes has no shares yet: not in a dry run, which would make none.
  const { cvm } = scenario
  if (cvm && !cvm.made && scenario.dryRun) cvm.made = true
  if (cvm && !cvm.made) scenario.initial = []
  if (organization && evidence.swap && evidence.unlistedSwap) scenario.revokeUnlisted = true
  if (organization && evidence.swap) {
    // 50 more members, with the share already, in a unit the step shares with: two pages of members, so
    // a swap between them shifts one.
    organization.members.push(
      ...SWAP_FILLERS.map((uin) => ({ uin, unit: fillerUnit(organization) }))
    )
    scenario.initial.push(...SWAP_FILLERS)
  }
  return scenario
}

/** Where the swap's members are: a unit the step shares with. */
const fillerUnit = (organization: OrganizationScenario) =>
  organization.units === 'all' ? ROOT_UNIT : Number(organization.units[0])

/** The members added to make two pages, and the one who leaves and the one who joins between them. */
const SWAP_FILLERS = Array.from({ length: 50 }, (_, i) => String(710000000001 + i))
const SWAPPED_OUT = SWAP_FILLERS[5]
const JOINER = '720000000001'

/** The members the units select, in an organization as it is. */
function selected(
  scenario: OrganizationScenario,
  members: { uin: string; unit: number }[]
): string[] {
  if (scenario.units === 'all') return members.map((m) => m.uin)
  const wanted = new Set(scenario.units.map(Number))
  // A sub-unit comes with its parent.
  const inWanted = (unit: number): boolean =>
    wanted.has(unit) ||
    UNITS.some((u) => u.id === unit && u.parent !== undefined && inWanted(u.parent))
  return members.filter((m) => inWanted(m.unit)).map((m) => m.uin)
}

/**
 * Who the organization adds, as far as the invariants go: `may` every member
 * the units select before or after the leavers left (and the joiner joined);
 * `mustKeep` those selected both times, who never lose the share; `mustGet`
 * those of them the step must have shared with on success: with a swap
 * between pages, a member the shift skipped is only shared with next time.
 * The owner and revoked accounts are never added.
 */
function organizationTargets(scenario: Scenario): {
  may: Set<string>
  mustKeep: Set<string>
  mustGet: Set<string>
} {
  const organization = scenario.organization
  if (!organization) return { may: new Set(), mustKeep: new Set(), mustGet: new Set() }
  const swap = scenario.evidence.swap
  // With a role, the management account is another member, at the root.
  const everyone = [
    ...organization.members,
    ...(organization.role ? [{ uin: MANAGEMENT, unit: ROOT_UNIT }] : [])
  ]
  const leavers = [organization.leaver, swap ? SWAPPED_OUT : undefined]
  const before = selected(organization, everyone)
  const after = selected(organization, [
    ...everyone.filter((m) => !leavers.includes(m.uin)),
    ...(swap ? [{ uin: JOINER, unit: fillerUnit(organization) }] : [])
  ])
  const added = (uin: string) => uin !== OWNER && !scenario.revoke.includes(uin)
  const mustKeep = new Set(before.filter((uin) => after.includes(uin) && added(uin)))
  return {
    may: new Set([...before, ...after].filter(added)),
    mustKeep,
    mustGet: swap ? new Set() : mustKeep
  }
}

/** The image of another build with the same name, and its copies: no run of this image may touch them. */
const OTHER_BUILD = 'lhbp-0therb1d'
const OTHER_SHARES = ROOTS.slice(-3)

/** A fault for one call, drawn from the scenario's stream: mostly transient, sometimes lost or permanent. */
function faultDrawer(
  scenario: Scenario,
  next: () => number,
  collector: string
): (action: string) => Fault | undefined {
  let justLost = false
  return (action) => {
    if (scenario.redirectRate && next() < scenario.redirectRate) {
      return { kind: 'redirect', status: next() < 0.5 ? 307 : 302, location: collector }
    }
    // The read that checks a lost answer fails now and then: the outcome must still be reported.
    if (justLost && !CHANGES.includes(action)) {
      justLost = false
      if (next() < 0.3) return { kind: 'error', code: 'AuthFailure.UnauthorizedOperation' }
    }
    // SyncBlueprint is one call a run: lose its answer often, or a second copy would go unseen.
    if (action === SYNC && next() < 0.35) {
      justLost = true
      return { kind: 'lose-answer' }
    }
    if (next() >= scenario.faultRate) return undefined
    const roll = next()
    const message = HOSTILE_MESSAGES[Math.floor(next() * HOSTILE_MESSAGES.length)]
    if (roll < 0.2) return { kind: 'error', code: 'RequestLimitExceeded', message }
    if (roll < 0.35) return { kind: 'error', code: 'InternalError', message }
    // Only where Tencent lists it: the emulator plays Tencent, and the action must too.
    if (roll < 0.42 && mayAnswer(action, 'OperationDenied.BlueprintOperationInProgress'))
      return { kind: 'error', code: 'OperationDenied.BlueprintOperationInProgress', message }
    if (roll < 0.5) return { kind: 'http', status: next() < 0.5 ? 502 : 503 }
    if (roll < 0.58) return { kind: 'drop' }
    if (roll < 0.64) return { kind: 'non-json', body: 'x\n::stop-commands::pwned' }
    if (roll < 0.8 && CHANGES.includes(action)) {
      justLost = true
      return { kind: 'lose-answer' }
    }
    // Past the credentials' renewal margin in OIDC runs; past the request timeout now and then.
    if (roll < 0.92) return { kind: 'delay', ms: next() < 0.85 ? 700 : 1300 }
    return { kind: 'error', code: 'AuthFailure.UnauthorizedOperation', message }
  }
}

interface Recorded {
  lines: string[]
  outputs: Record<string, string>
  summary: string[]
  failed?: string
}

/** What @actions/core escapes in a command's data. */
const escapeData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

/** A runtime that writes what the toolkit would write to stdout, and keeps outputs and the summary. */
function recordingRuntime(
  inputs: Record<string, string>,
  emulator: LighthouseEmulator,
  recorded: Recorded
): Runtime {
  const command = (name: string) => (message: string) =>
    recorded.lines.push(`::${name}::${escapeData(message)}`)
  const summary: SummaryWriter = {
    addHeading: (text) => (recorded.summary.push(`<h2>${text}</h2>`), summary),
    addTable: (rows) => (recorded.summary.push(JSON.stringify(rows)), summary),
    addRaw: (text) => (recorded.summary.push(text), summary),
    write: async () => undefined
  }
  return runtimeWith({
    getInput: (name) => inputs[name] ?? '',
    setSecret: command('add-mask'),
    setOutput: (name, value) => (recorded.outputs[name] = value),
    setFailed: (message) => {
      recorded.failed = message
      command('error')(message)
    },
    log: {
      // core.info writes the message as it is: this is where injected text would act.
      info: (message) => recorded.lines.push(...message.split(/\r\n|\r|\n/)),
      warning: command('warning'),
      notice: command('notice'),
      debug: command('debug'),
      group: async (title, fn) => {
        recorded.lines.push(`::group::${title}`)
        await fn()
        recorded.lines.push('::endgroup::')
      }
    },
    getIdToken: async (audience) => emulator.identity.idToken(audience),
    env: inputs['role-arn']
      ? { ...emulator.idTokenVariables, GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'octo-org/chaos' }
      : {},
    summary,
    runContext: () => Promise.resolve({ serverUrl: 'https://github.com', runId: 7, sha: 'abc' }),
    // A request timeout of one second, so slow answers also become lost ones.
    createTransport: (options) => createSignedTransport({ ...options, requestTimeoutSeconds: 1 }),
    createStsTransport: (options) => createStsTransport({ ...options, requestTimeoutSeconds: 1 }),
    retryPolicy: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 40 },
    waitSchedule: {
      firstIntervalMs: 50,
      steadyForMs: 500,
      growth: 1.5,
      maxIntervalMs: 200,
      progressEveryMs: 1000
    }
  })
}

const list = (recorded: Recorded, name: string): string[] =>
  JSON.parse(recorded.outputs[name] ?? '[]') as string[]

/** Runs one scenario; resolves to the invariants it broke (none, when all is well). */
export async function runScenario(scenario: Scenario): Promise<string[]> {
  const emulator = new LighthouseEmulator({ ownerUin: OWNER, site: scenario.site })
  const created = Date.now() - 3_600_000
  const family = scenario.family
  // A family's versions need names of a pattern; another build of the same name is then left out.
  const otherBuild = family ? undefined : scenario.otherBuild
  emulator
    .addCredential({ secretId: SECRET_ID, secretKey: SECRET_KEY })
    .addAccounts('root', ROOTS)
    .addAccounts('sub', ['400000000001'])
    .addAccounts('other-site', ['500000000001'])
  const { cvm } = scenario
  if (cvm) {
    emulator.addCvmImage({
      id: CVM_IMAGE,
      region: REGION,
      name: family ? FAMILY_NAME : scenario.name,
      sharedToLighthouse: cvm.made
    })
    emulator.nextConvertedIds.push(BLUEPRINT_ID)
  }
  if (!cvm || cvm.made) {
    emulator.addBlueprint({
      id: BLUEPRINT_ID,
      name: family ? FAMILY_NAME : scenario.name,
      sharedWith: scenario.initial,
      state: scenario.syncingForMs ? 'SYNCING' : 'NORMAL',
      createdTime: apiTime(new Date(created)),
      ...(cvm ? { imageId: CVM_IMAGE } : {})
    })
  }
  if (otherBuild) {
    const other = otherBuild
    const otherCreated = created + (other.newer ? 600_000 : -600_000)
    emulator.addBlueprint({
      id: OTHER_BUILD,
      name: scenario.name,
      sharedWith: OTHER_SHARES,
      createdTime: apiTime(new Date(otherCreated))
    })
    for (const [i, region] of COPY_REGIONS.entries()) {
      emulator.addBlueprint({
        id: `lhbp-0therc${i}${i}`,
        region,
        name: scenario.name,
        description: other.markedCopies[i] ? `Copy of ${OTHER_BUILD} from ${REGION}` : null,
        sharedWith: OTHER_SHARES,
        createdTime: apiTime(new Date(otherCreated + 60_000))
      })
      emulator.blueprint(`lhbp-0therc${i}${i}`).copiedFrom = OTHER_BUILD
    }
  }
  const world = family
    ? setUpFamily(emulator, family, scenario.evidence, {
        created,
        region: REGION,
        copyRegions: COPY_REGIONS,
        copying: scenario.copyTo.length > 0,
        sharesReadable: scenario.site === 'china'
      })
    : undefined
  // Nothing but the image, its copies and the family's older versions may change (checked apart).
  const family$ = new Set(world?.images.map((image) => image.id))
  const untouchable = new Map(
    [...emulator.allBlueprints()]
      .filter((b) => !family$.has(b.id) && b.id !== BLUEPRINT_ID)
      .map((b) => [b.id, [...b.shares.keys()].sort().join(',')])
  )
  emulator.identity.addProvider(PROVIDER).addRole({
    arn: ROLE_ARN,
    providerId: PROVIDER,
    subject: '*'
  })
  emulator.identity.credentialSeconds = scenario.credentialSeconds
  emulator.copyMs = 200
  const organization = scenario.organization
  if (organization) {
    const org = new OrganizationEmulator(organization.role ? MANAGEMENT : OWNER, {
      rootNodeId: ROOT_UNIT
    })
      .addUnits(...UNITS)
      .addMembers(...organization.members)
    if (organization.role) {
      org.addMembers({ uin: OWNER })
      emulator.addAccounts('root', [MANAGEMENT])
      emulator.identity.addTrustingRole({ arn: ORGANIZATION_ROLE, trustedAccounts: [OWNER] })
    }
    emulator.organization = org
    if (scenario.evidence.swap) {
      emulator.addAccounts('root', [...SWAP_FILLERS, JOINER])
      // Between the members' first two pages: one leaves and one joins, the total unchanged.
      emulator.before(
        'DescribeOrganizationMembers',
        () =>
          org
            .removeMembers(SWAPPED_OUT)
            .addMembers({ uin: JOINER, unit: fillerUnit(organization) }),
        { nth: 2 }
      )
    }
  }
  const collector = new Collector()
  const drawFault = faultDrawer(scenario, random(scenario.seed ^ 0x5eed), await collector.start())
  /** The world as the API answers it, faults aside: a "0" time, another account's image in the lists. */
  const answered = (action: string): Fault | undefined =>
    action === 'DescribeBlueprints' && world?.mangle
      ? { kind: 'mangle', mangle: world.mangle }
      : undefined
  emulator.faultFor = (action) => {
    // The leaver leaves as the members are first asked for: before or after the answer, by the faults.
    if (action === 'DescribeOrganizationMembers' && organization?.leaver) {
      emulator.organization?.removeMembers(organization.leaver)
    }
    // A copy cannot be marked: CAM refuses the call every time.
    if (action === 'ModifyBlueprintAttribute' && family && scenario.evidence.unmarkable) {
      return { kind: 'error', code: 'AuthFailure.UnauthorizedOperation' }
    }
    const fault = drawFault(action)
    // A slow answer comes whole; anything else that answers, as the world is.
    return fault && fault.kind !== 'delay' ? fault : (answered(action) ?? fault)
  }
  await emulator.start()
  if (scenario.syncingForMs && (!cvm || cvm.made))
    emulator.setBlueprintState(BLUEPRINT_ID, 'NORMAL', scenario.syncingForMs)

  const inputs: Record<string, string> = {
    ...(cvm ? { 'image-id': CVM_IMAGE } : { 'blueprint-id': BLUEPRINT_ID }),
    region: REGION,
    endpoint: emulator.endpoint,
    'account-ids': scenario.share.join(','),
    'revoke-account-ids': scenario.revoke.join(','),
    'revoke-unlisted': String(scenario.revokeUnlisted),
    'dry-run': String(scenario.dryRun),
    'on-account-error': scenario.onAccountError,
    'wait-timeout-seconds': '30',
    'copy-to-regions': scenario.copyTo.join(','),
    'mask-account-ids': String(scenario.mask),
    ...(family
      ? {
          family: FAMILY_PATTERN,
          'keep-shared': String(family.keepShared),
          'keep-images': family.keepImages ? String(family.keepImages) : ''
        }
      : {}),
    ...(organization
      ? {
          'organization-units': organization.units === 'all' ? 'all' : organization.units.join(','),
          'organization-role-arn': organization.role ? ORGANIZATION_ROLE : ''
        }
      : {}),
    ...(scenario.oidc
      ? { 'role-arn': ROLE_ARN, 'oidc-provider-id': PROVIDER }
      : { 'secret-id': SECRET_ID, 'secret-key': SECRET_KEY })
  }
  const recorded: Recorded = { lines: [], outputs: {}, summary: [] }
  try {
    await run(recordingRuntime(inputs, emulator, recorded))
    const broken = [
      ...checkInvariants(scenario, emulator, recorded),
      // No image that is not the source or a copy of it gains or loses a share.
      ...[...untouchable]
        .filter(([id, shares]) => sharesNow(emulator, id) !== shares)
        .map(
          ([id]) =>
            `${id}, not a copy of the image nor an older version, had its shares changed or was deleted`
        ),
      ...checkDeletes(scenario, emulator),
      ...checkConversions(scenario, emulator, recorded),
      ...(family && world ? checkFamily(scenario, family, world, emulator, recorded) : []),
      ...(family ? checkMarks(scenario, emulator, created) : [])
    ]
    // Regions converge: after a fault-free re-run they agree with the source on every older build.
    const converging =
      family && world && scenario.evidence.copiedVersions && scenario.copyTo.length > 0
    if (converging && !scenario.dryRun) {
      emulator.faultFor = answered
      const again: Recorded = { lines: [], outputs: {}, summary: [] }
      await run(recordingRuntime(inputs, emulator, again))
      broken.push(
        ...checkDeletions(emulator, family, world, [recorded.outputs, again.outputs], false)
      )
      if (again.failed === undefined && list(again, 'failed-account-ids').length === 0) {
        broken.push(...checkAgreement(emulator, family, world, [REGION, ...scenario.copyTo]))
      }
    }
    return [
      ...broken,
      ...emulator.violations,
      // Nothing reaches a host but the endpoints: a redirect is never followed.
      ...collector.received.map((r) => `a request reached the collector: ${r.body.slice(0, 80)}`)
    ]
  } finally {
    emulator.faultFor = undefined
    await emulator.stop()
    await collector.stop()
  }
}

/** At most one blueprint of a CVM image, ever; none made when an earlier run had made it; the output names it. */
function checkConversions(
  scenario: Scenario,
  emulator: LighthouseEmulator,
  recorded: Recorded
): string[] {
  if (!scenario.cvm) return []
  const made = emulator.conversions.filter((id) => id === CVM_IMAGE).length
  // Its copies in other regions may carry the same ImageId (the spec does not say): the source region counts.
  const blueprints = emulator.blueprintsIn(REGION).filter((b) => b.imageId === CVM_IMAGE)
  const output = recorded.outputs['blueprint-id']
  return [
    ...(made > (scenario.cvm.made ? 0 : 1)
      ? [`${CVM_IMAGE} was made a blueprint ${made} time(s)`]
      : []),
    ...(blueprints.length > 1
      ? [`${CVM_IMAGE} has ${blueprints.length} blueprints in ${REGION}`]
      : []),
    ...(output && output !== BLUEPRINT_ID ? [`blueprint-id is ${output}, not ${BLUEPRINT_ID}`] : [])
  ]
}

/** An image's shares, sorted and joined; 'deleted' when it is gone. */
function sharesNow(emulator: LighthouseEmulator, id: string): string {
  const image = [...emulator.allBlueprints()].find((b) => b.id === id)
  return image && image.state !== 'DELETING' ? [...image.shares.keys()].sort().join(',') : 'deleted'
}

/** Nothing deleted with a share, and nothing at all in a dry run. */
function checkDeletes(scenario: Scenario, emulator: LighthouseEmulator): string[] {
  const broken = emulator.deleted
    .filter((gone) => gone.shares.length > 0)
    .map((gone) => `${gone.id} was deleted with ${gone.shares.length} share(s)`)
  if (scenario.dryRun && emulator.deleted.length > 0) broken.push('a dry run deleted images')
  return broken
}

/**
 * The family's older versions (see chaos/lifecycle.ts): a version kept shared
 * loses only an account that is revoked, or with revoke-unlisted one that is
 * neither listed nor still a member.
 */
function checkFamily(
  scenario: Scenario,
  family: FamilyScenario,
  world: FamilyWorld,
  emulator: LighthouseEmulator,
  recorded: Recorded
): string[] {
  const members = organizationTargets(scenario)
  const regions = [REGION, ...scenario.copyTo]
  const broken = checkLifecycle(emulator, family, world, {
    dryRun: scenario.dryRun,
    regions,
    offboardable: (a) =>
      scenario.revoke.includes(a) ||
      (scenario.revokeUnlisted && !scenario.share.includes(a) && !members.mustKeep.has(a)),
    outputs: recorded.outputs
  })
  if (
    recorded.failed === undefined &&
    !scenario.dryRun &&
    list(recorded, 'failed-account-ids').length === 0
  ) {
    broken.push(
      ...checkOffboarded(emulator, family, world, {
        regions,
        revoked: (a) => scenario.revoke.includes(a),
        mayKeep: (a) => !scenario.revokeUnlisted || scenario.share.includes(a) || members.may.has(a)
      })
    )
  }
  return broken
}

/** With keep-shared, no copy has a share unless it carries its mark, with the build's time. */
function checkMarks(scenario: Scenario, emulator: LighthouseEmulator, created: number): string[] {
  if (scenario.dryRun) return []
  const mark = `Copy of ${BLUEPRINT_ID} from ${REGION} ${apiTime(new Date(created)).replace(/[-:]/g, '')}`
  return [...emulator.allBlueprints()]
    .filter((b) => b.copiedFrom === BLUEPRINT_ID && b.shares.size > 0 && b.description !== mark)
    .map(
      (b) => `${b.id} (${b.region}) is shared without its mark: ${JSON.stringify(b.description)}`
    )
}

/** Whether the step said it could not read the region's share list (and went on without it). */
function saidUnreadable(scenario: Scenario, recorded: Recorded, region: string): boolean {
  const prefix = scenario.copyTo.length > 0 ? `[${region}] ` : ''
  return recorded.lines.some((line) =>
    line.startsWith(`${prefix}The current shares cannot be read here`)
  )
}

/** The share invariants in one region, against that region's outputs. */
function checkRegion(
  scenario: Scenario,
  recorded: Recorded,
  region: string,
  initial: Set<string>,
  final: Set<string>,
  outputs: { shared: string[]; revoked: string[]; failed: string[] },
  expect: (ok: boolean, what: string) => void
): void {
  const gained = [...final].filter((a) => !initial.has(a))
  const lost = [...initial].filter((a) => !final.has(a))
  const { shared, revoked, failed } = outputs
  // account-ids and the organization's members: who may gain the share, and who must have it.
  const members = organizationTargets(scenario)
  const mayHave = (a: string) => scenario.share.includes(a) || members.may.has(a)
  const mustKeep = [...new Set([...scenario.share, ...members.mustKeep])]
  const mustGet = [...new Set([...scenario.share, ...members.mustGet])]
  const may = (accounts: string[], allowed: (a: string) => boolean, what: string) => {
    const outside = accounts.filter((a) => !allowed(a))
    expect(outside.length === 0, `${what}: ${outside.join(', ')}`)
  }

  // No account outside the request gains or loses the share, and none moves the wrong way.
  may(gained, mayHave, 'gained the share without being in account-ids or the members')
  may(
    lost,
    (a) => scenario.revoke.includes(a) || (scenario.revokeUnlisted && !mustKeep.includes(a)),
    'lost the share without being revoked'
  )

  if (scenario.dryRun) {
    expect(gained.length === 0 && lost.length === 0, 'a dry run changed the shares')
  } else {
    // The outputs match what changed: nothing claimed that did not happen, nothing changed unreported.
    // Without the share-list read, an account the API calls "already so" after a lost answer counts as
    // changed (the answer cannot tell whether the lost call did it): it must then be so at the end. The
    // list may also be unreadable on the China site, where CAM refused the read (a fault drawn after a lost answer).
    const readable = scenario.site === 'china' && !saidUnreadable(scenario, recorded, region)
    may(
      shared,
      (a) => gained.includes(a) || (!readable && final.has(a)),
      'in shared-account-ids but did not gain the share'
    )
    may(
      revoked,
      (a) => lost.includes(a) || (!readable && !final.has(a)),
      'in revoked-account-ids but did not lose the share'
    )
    may(gained, (a) => shared.includes(a) || failed.includes(a), 'gained the share unreported')
    may(lost, (a) => revoked.includes(a) || failed.includes(a), 'lost the share unreported')
  }

  if (recorded.failed === undefined && !scenario.dryRun) {
    // On success the share list is what was asked, except the accounts reported as failed.
    const settled = (a: string) => !failed.includes(a)
    may(mustGet.filter(settled), (a) => final.has(a), 'succeeded but lacks the share it asked for')
    may(
      scenario.revoke.filter(settled),
      (a) => !final.has(a),
      'succeeded but kept a share it revoked'
    )
    if (scenario.revokeUnlisted) {
      may([...final].filter(settled), mayHave, 'succeeded but kept an unlisted share')
    }
  }
}

function checkInvariants(
  scenario: Scenario,
  emulator: LighthouseEmulator,
  recorded: Recorded
): string[] {
  const broken: string[] = []
  const expect = (ok: boolean, what: string) => ok || broken.push(what)
  const perRegion = JSON.parse(recorded.outputs.regions ?? '{}') as Record<
    string,
    Record<string, string[]>
  >
  for (const region of [REGION, ...scenario.copyTo]) {
    // The source starts with the scenario's shares; a copy this run made starts with none.
    const images = emulator
      .blueprintsIn(region)
      .filter((b) => b.copiedFrom === BLUEPRINT_ID && b.state !== 'SYNCING_FAILED')
    expect(images.length <= 1, `[${region}] ${images.length} copies of the image`)
    // From a CVM image, the blueprint exists only once this run (or an earlier one) made it.
    const source = [...emulator.allBlueprints()].some((b) => b.id === BLUEPRINT_ID)
    const image = region === REGION ? (source ? BLUEPRINT_ID : undefined) : images[0]?.id
    const outputs = perRegion[region] ?? {}
    checkRegion(
      scenario,
      recorded,
      region,
      new Set(region === REGION ? scenario.initial : []),
      new Set(image ? emulator.sharesOf(image) : []),
      {
        shared: outputs['shared-account-ids'] ?? [],
        revoked: outputs['revoked-account-ids'] ?? [],
        failed: outputs['failed-account-ids'] ?? []
      },
      (ok, what) => expect(ok, `[${region}] ${what}`)
    )
  }
  // The list outputs are the union over regions.
  for (const name of ['shared-account-ids', 'revoked-account-ids', 'failed-account-ids']) {
    const union = new Set(Object.values(perRegion).flatMap((r) => r[name] ?? []))
    expect(
      JSON.stringify([...union].sort()) === JSON.stringify([...list(recorded, name)].sort()),
      `${name} is not the union of the regions'`
    )
  }

  // No secret anywhere but in ::add-mask::, and no workflow command but the action's own.
  const secrets = [SECRET_KEY, emulator.identity.requestToken]
  for (const issued of emulator.identity.issued)
    secrets.push(issued.secretId, issued.secretKey, issued.token)
  const visible = [
    ...recorded.lines.filter((line) => !line.startsWith('::add-mask::')),
    ...recorded.summary,
    JSON.stringify(recorded.outputs)
  ].join('\n')
  for (const secret of secrets) expect(!visible.includes(secret), 'a secret was printed')
  if (scenario.mask) {
    // Not the outputs: they keep the IDs whole.
    const printed = visible.replace(JSON.stringify(recorded.outputs), '')
    const known = new Set([
      ...scenario.initial,
      ...scenario.share,
      ...scenario.revoke,
      ...(scenario.organization?.members.map((m) => m.uin) ?? []),
      OWNER
    ])
    for (const id of known)
      expect(!printed.includes(id), `account ${id} printed in full with masking on`)
  }
  expect(!/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(visible), 'a JWT was printed')
  const forged = recorded.lines.filter(
    (line) =>
      (line.trimStart().startsWith('::') &&
        !/^::(add-mask|debug|error|warning|notice|group|endgroup)::/.test(line)) ||
      line.includes('##[')
  )
  expect(forged.length === 0, `forged workflow commands: ${JSON.stringify(forged)}`)
  const summary = recorded.summary.join('\n')
  expect(
    !/<(?!\/?(h2|p|strong|br|code|a)\b)[a-z]/i.test(summary),
    'raw HTML from outside in the summary'
  )
  expect(!/\r|\n\n/.test(summary), 'a line break from outside in the summary')
  return broken
}
