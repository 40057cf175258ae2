/** The step, as the steps of a run: settings, connect, the image, the targets, every region, and the end. */
import { FamilyLifecycle } from '../sharing/lifecycle/lifecycle.js'
import { blueprintFor } from '../sharing/conversion.js'
import { chooseImage } from '../sharing/image.js'
import { shareInRegions } from '../sharing/regions/regions.js'
import { resolveTargets } from '../sharing/targets/target-source.js'
import { conclude, describeFailure, escaped } from './conclude.js'
import { connect } from './connect.js'
import { maskSecrets } from './inputs/credentials.js'
import { Inputs } from './inputs/names.js'
import { readSettings } from './inputs/settings.js'
import { Journal } from './journal.js'
import { maskedRuntime, type Learn } from './report/mask.js'
import { actionsRuntime, type Runtime } from './runtime.js'
import { targetSources } from './targets.js'

export type { Runtime } from './runtime.js'

/** Reads the inputs, connects, brings the shares to what they ask, and reports, whatever happened. */
export async function run(given: Runtime = actionsRuntime()): Promise<void> {
  // With mask-account-ids, every line, annotation, failure and summary cell goes through the mask.
  const { runtime, learn } = maskedRuntime(given)
  const journal = new Journal()
  const failure = await steps(runtime, journal, learn).then(
    () => undefined,
    (error: unknown) => describeFailure(error, runtime.log)
  )
  await conclude(journal, failure, runtime).catch((error: unknown) => escaped(error, runtime))
}

/** The steps of a run, in order, each result a const the next takes; the journal keeps what to report. */
async function steps(runtime: Runtime, journal: Journal, learn: Learn): Promise<void> {
  const { log } = runtime
  const inputs = new Inputs(runtime.getInput, runtime.env)
  // Before anything else can log a line: every key and token the step can see is masked.
  maskSecrets(inputs, runtime.setSecret)
  const settings = journal.settings(readSettings(inputs, log))
  learn(settings.targets.listed)
  const clients = connect(settings, runtime, learn)
  const { clock, random, waitSchedule, retryPolicy: policy } = runtime
  const api = clients.apiFor(settings.region)
  // A CVM image is made a blueprint first (or found as the one made before); a dry run makes none.
  const { selector } = await blueprintFor(
    { api, clock, log, waitSchedule, onConverted: journal.converted },
    settings.image,
    { ...settings, familyPattern: settings.family?.pattern }
  )
  // The image first: one read, and a name that finds none stops the step before the organization is read.
  const image = await chooseImage(
    api,
    selector,
    { region: settings.region, familyPattern: settings.family?.pattern },
    log
  )
  const { targets } = settings
  const { wanted } = journal.resolved(
    await resolveTargets(
      targetSources(settings, clients),
      targets.revoke,
      targets.revokeUnlisted,
      log
    )
  )
  const lifecycle = journal.lifecycle(
    // A blueprint made now from an old CVM image must not outrank newer builds: its image's build time comes along.
    FamilyLifecycle.of(
      settings.family,
      settings.region,
      image,
      clients.identity,
      journal.conversion?.builtAt
    )
  )
  const records = journal.records({
    identity: clients.identity,
    accountIds: [...wanted.share, ...wanted.revoke],
    dryRun: settings.dryRun,
    sources: wanted.sources
  })
  const results = await shareInRegions(
    { clock, random, log, waitSchedule, policy, apiFor: clients.apiFor, records, lifecycle },
    {
      image,
      region: settings.region,
      copyTo: settings.copyToRegions,
      wanted,
      dryRun: settings.dryRun,
      waitTimeoutSeconds: settings.waitTimeoutSeconds
    }
  )
  journal.regionsDone(results)
}
