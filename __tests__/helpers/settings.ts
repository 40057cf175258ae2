/**
 * The settings that are not about credentials, in the shape the input tests
 * state them in: readSettings with API keys in the environment (the
 * credential inputs have tests of their own).
 */
import { Inputs, type GetInput } from '../../src/action/inputs/names.js'
import { readSettings } from '../../src/action/inputs/settings.js'

export type { GetInput } from '../../src/action/inputs/names.js'

export function readShareInputs(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void
) {
  const keys = { TENCENTCLOUD_SECRET_ID: 'AKIDtestKeyId', TENCENTCLOUD_SECRET_KEY: 'key' }
  const settings = readSettings(new Inputs(getInput, { ...keys, ...env }), {
    warning: warn,
    notice: () => undefined
  })
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- left out: the credential inputs have tests of their own
  const { image, targets, credentials, organization, ...rest } = settings
  return {
    blueprintId: image.id ?? '',
    ...(image.name !== undefined ? { blueprintName: image.name } : {}),
    ...(image.cvmImage !== undefined ? { imageId: image.cvmImage } : {}),
    accountIds: targets.listed,
    revokeAccountIds: targets.revoke,
    revokeUnlisted: targets.revokeUnlisted,
    organizationUnits: targets.organizationUnits,
    ...rest
  }
}
