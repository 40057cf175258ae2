/** Reading Lighthouse's request parameters as the API does, and writing its times: the checks every handler shares. */
import type { EmulatedBlueprint } from './images.js'
import { ApiFailure, type Params } from './server.js'

export function checkBlueprintIdFormat(id: string): void {
  if (!/^lhbp-[a-z0-9]{8}$/.test(id)) {
    throw new ApiFailure(
      'InvalidParameterValue.BlueprintIdMalformed',
      `Invalid parameter value: the image ID format is invalid: ${id}.`
    )
  }
}

export function optionalStringList(
  params: Params,
  name: string,
  max: number
): string[] | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ApiFailure('InvalidParameter', `${name} must be an array of strings.`)
  }
  if (value.length > max) {
    throw new ApiFailure('InvalidParameterValue', `${name} can hold at most ${max} values.`)
  }
  return value
}

export function paging(params: Params): { offset: number; limit: number } {
  const offset = params.Offset ?? 0
  const limit = params.Limit ?? 20
  if (!Number.isInteger(offset) || (offset as number) < 0) {
    throw new ApiFailure(
      'InvalidParameterValue.Negative',
      'Offset must be a whole number of at least 0.'
    )
  }
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 100) {
    throw new ApiFailure('InvalidParameterValue.OutOfRange', 'Limit must be from 1 to 100.')
  }
  return { offset: offset as number, limit: limit as number }
}

/** An image whose state does not allow the call. */
export function stateInvalid(image: EmulatedBlueprint): ApiFailure {
  return new ApiFailure(
    'UnsupportedOperation.BlueprintCurStateInvalid',
    `The image state ${image.state} does not support this operation.`
  )
}

/** The resource names DescribeGeneralResourceQuotas takes, from its spec. */
export const QUOTA_NAMES = [
  'GENERAL_BUNDLE_INSTANCE',
  'STORAGE_BUNDLE_INSTANCE',
  'ENTERPRISE_BUNDLE_INSTANCE',
  'EXCLUSIVE_BUNDLE_INSTANCE',
  'BEFAST_BUNDLE_INSTANCE',
  'STARTER_BUNDLE_INSTANCE',
  'HK_EXCLUSIVE_BUNDLE_INSTANCE',
  'CAREFREE_BUNDLE_INSTANCE',
  'EXCLUSIVE_BUNDLE_02_INSTANCE',
  'NEWCOMER_BUNDLE_INSTANCE',
  'GAME_PORTAL_BUNDLE_INSTANCE',
  'ECONOMY_BUNDLE_INSTANCE',
  'BUDGET_BUNDLE_INSTANCE',
  'RAZOR_SPEED_BUNDLE_INSTANCE',
  'BANDWIDTH_BUNDLE_INSTANCE',
  'USER_KEY_PAIR',
  'SNAPSHOT',
  'BLUEPRINT',
  'FREE_BLUEPRINT',
  'DATA_DISK'
]

/** The states a blueprint-state filter may name (the spec's BlueprintState values). */
export const STATES = [
  'NORMAL',
  'SYNCING',
  'OFFLINE',
  'CREATEFAILED',
  'SYNCING_FAILED',
  'ISOLATING',
  'ISOLATED',
  'DELETING',
  'DESTROYING'
]
export const TYPES = ['APP_OS', 'PURE_OS', 'DOCKER', 'PRIVATE', 'SHARED']

/** DescribeBlueprints' filters (the request's shape is checked against the spec before): each a condition that must hold. */
export function blueprintFilters(params: Params): { name: string; values: string[] }[] {
  const filters = (params.Filters ?? []) as { Name: string; Values: string[] }[]
  const emulated = ['blueprint-id', 'blueprint-name', 'blueprint-type', 'blueprint-state']
  return filters.map(({ Name: name, Values: values }) => {
    if (!emulated.includes(name)) {
      throw new ApiFailure(
        'InvalidParameter.InvalidFilterNotSupportedName',
        `Filter ${name} is not supported.`
      )
    }
    if (name === 'blueprint-state' && values.some((v) => !STATES.includes(v))) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidBlueprintState',
        `A blueprint-state value is invalid.`
      )
    }
    if (name === 'blueprint-type' && values.some((v) => !TYPES.includes(v))) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidBlueprintType',
        `A blueprint-type value is invalid.`
      )
    }
    return { name, values }
  })
}

/** A time as the spec writes it: YYYY-MM-DDThh:mm:ssZ, no fraction. */
export function apiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function accountIdFilter(params: Params): string[] | undefined {
  const filters = params.Filters
  if (filters === undefined) return undefined
  if (!Array.isArray(filters)) throw new ApiFailure('InvalidParameter', 'Filters must be an array.')
  const filter = (filters as unknown[]).find(
    (f): f is Params => typeof f === 'object' && f !== null && (f as Params).Name === 'account-id'
  )
  if (!filter) return undefined
  const values = optionalStringList(filter, 'Values', 5)
  return values ?? []
}
