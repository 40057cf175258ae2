/**
 * Runs the examples of the README and the guides as written: an example's
 * `with:` is resolved by GitHub's expression evaluator against the context it
 * is meant for (a push, a pull request, the build job's outputs) and given to
 * `dist/index.js` as a runner would, against the emulator playing the site the
 * example names (no endpoint: the default, international; the China host: the
 * China site). Only the endpoint is pointed at the emulator.
 */
import { expect } from '@jest/globals'
import type { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import type { Site } from '../emulator/spec.js'
import { CANCEL, SHARE } from './actions.js'
import { exampleSteps, interpolateAll, type ExampleStep, type Value } from './examples.js'
import { startEmulator } from './fixtures.js'
import { runAction, type ActionResult } from './run-action.js'

const examples = exampleSteps(new URL('../../', import.meta.url))
/** The `sub` of a job's token: on a push to main, and on a pull request. */
export const MAIN = 'repo:octo-org/golden-images:ref:refs/heads/main'
export const PULL_REQUEST = 'repo:octo-org/golden-images:pull_request'
export const CHINA_HOST = 'lighthouse.tencentcloudapi.com'

/** The one example in a document that gives an input (with a value like `value`, if given). */
export function example(where: string, input: string, value = /(?:)/): ExampleStep {
  const found = examples.filter(
    (step) => step.where === where && input in step.with && value.test(step.with[input])
  )
  expect(found.map((step) => step.where)).toEqual([where])
  return found[0]
}

/** The accounts an input of the example lists. */
export const listed = (step: ExampleStep, input = 'account-ids') =>
  step.with[input].split(/[\s,]+/).filter(Boolean)

/** The site the example names: the China host, or the default (international). */
export function siteOf(step: ExampleStep): Site {
  const endpoint: string | undefined = step.with.endpoint
  expect([undefined, CHINA_HOST]).toContain(endpoint)
  return endpoint === CHINA_HOST ? 'china' : 'international'
}

/**
 * A fresh emulator on the example's site (or the one given), with every role
 * the example may take trusting the subject given; stopped after, and checked
 * against Tencent's spec.
 */
export async function onSiteOf(
  step: ExampleStep,
  play: (emulator: LighthouseEmulator) => Promise<void>,
  site: Site = siteOf(step)
) {
  const emulator = await startEmulator(site)
  try {
    await play(emulator)
  } finally {
    const violations = emulator.violations
    await emulator.stop()
    expect(violations).toEqual([])
  }
}

/** Lets the example's role (or roles) be taken by a job whose token says `subject`. */
export function trustRoles(emulator: LighthouseEmulator, roles: Record<string, string>) {
  emulator.identity.addProvider('github-actions')
  for (const [arn, subject] of Object.entries(roles)) {
    emulator.identity.addRole({ arn, providerId: 'github-actions', subject })
  }
}

/** Runs the example's step: its inputs resolved against `context`, the endpoint the emulator's. */
export function runExample(
  emulator: LighthouseEmulator,
  step: ExampleStep,
  context: Record<string, Value> = {},
  env: Record<string, string> = {}
): Promise<ActionResult> {
  const inputs = interpolateAll(step.with, context)
  const oidc = inputs['role-arn'] ? emulator.idTokenVariables : {}
  return runAction({ ...inputs, endpoint: emulator.endpoint }, { ...oidc, ...env })
}

export const changeCalls = (emulator: LighthouseEmulator) =>
  emulator.calls.filter((call) => [SHARE, CANCEL, 'DeleteBlueprints'].includes(call.action))
