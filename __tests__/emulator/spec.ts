/**
 * Tencent's published specs, as the facts in contract/tencent-spec.json: what
 * each action takes and answers on each site, its limits, and the codes it
 * can return. The emulator checks every request and every answer against
 * them, so neither the action nor the emulator can drift from Tencent.
 */
import { readFileSync } from 'node:fs'

export type Site = 'china' | 'international'
export type SpecService = 'lighthouse' | 'sts' | 'organization'

interface SpecMember {
  name: string
  /** string, int, bool, list, object, float */
  type: string
  /** The item type of a list, the object name of an object, or the scalar's finer type (datetime_iso, int64...). */
  member: string
  required?: boolean
  /** An answer always has it (api.json's output_required). */
  outputRequired?: boolean
  nullable?: boolean
}

interface ServiceFacts {
  version: string
  actions: Record<string, { request: string; response: string }>
  missing: string[]
  objects: Record<string, SpecMember[]>
}

interface Limit {
  service: SpecService
  action: string
  parameter: string
  maxItems?: number
  maxValue?: number
  maxLength?: number
  exclusiveWith?: string
  /** The sites whose spec states the limit: one the international spec does not state holds on the China site only. */
  sites: Site[]
}

interface SpecFacts {
  sites: Record<Site, { source: string; services: Record<SpecService, ServiceFacts> }>
  limits: Limit[]
  errorCodes: { common: string[] }
}

export const SPEC: SpecFacts = JSON.parse(
  readFileSync(new URL('../contract/tencent-spec.json', import.meta.url), 'utf8')
) as SpecFacts

/** Tencent's per-action code lists and each code's description (scripts/code-facts.ts). */
export interface CodeFacts {
  perAction: Record<string, string[]>
  descriptions: Record<SpecService, Record<string, string>>
}

export const CODES: CodeFacts = JSON.parse(
  readFileSync(new URL('../contract/tencent-codes.json', import.meta.url), 'utf8')
) as CodeFacts

/** A request the real API would refuse: the code it would answer, and why. */
export interface Refusal {
  code: string
  message: string
}

export function servesAction(site: Site, service: SpecService, action: string): boolean {
  return Object.hasOwn(SPEC.sites[site].services[service].actions, action)
}

/** The codes an action can answer: its own list and the common codes. */
export function codesOf(action: string): readonly string[] {
  return [...(CODES.perAction[action] ?? []), ...SPEC.errorCodes.common]
}

export function mayAnswer(action: string, code: string): boolean {
  return codesOf(action).includes(code)
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** Whether a value is of a spec type (scalars; lists and objects are walked by the callers). */
function scalarFits(member: SpecMember, value: unknown): boolean {
  switch (member.type) {
    case 'string':
      return typeof value === 'string' && (member.member !== 'datetime_iso' || TIME.test(value))
    case 'int':
      return (
        Number.isInteger(value) && (!member.member.startsWith('uint') || (value as number) >= 0)
      )
    case 'float':
      return typeof value === 'number'
    case 'bool':
      return typeof value === 'boolean'
    default:
      return false
  }
}

/**
 * Checks a request's parameters as the API does: unknown names, missing
 * required members, wrong types, the documented limits. Resolves to the
 * refusal the real API would answer, or undefined.
 */
export function checkRequest(
  site: Site,
  service: SpecService,
  action: string,
  params: Record<string, unknown>
): Refusal | undefined {
  const facts = SPEC.sites[site].services[service]
  const objects = facts.objects
  const walk = (
    objectName: string,
    value: Record<string, unknown>,
    path: string
  ): Refusal | undefined => {
    const members = objects[objectName] ?? []
    for (const name of Object.keys(value)) {
      if (!members.some((m) => m.name === name)) {
        return {
          code: 'UnknownParameter',
          message: `The parameter ${path}${name} is not recognized.`
        }
      }
    }
    for (const member of members) {
      const item = value[member.name]
      const where = `${path}${member.name}`
      if (item === undefined || item === null) {
        if (member.required)
          return { code: 'MissingParameter', message: `The parameter ${where} is required.` }
        continue
      }
      const bad = {
        code: 'InvalidParameter',
        message: `The parameter ${where} is not of type ${member.type}.`
      }
      if (member.type === 'list') {
        if (!Array.isArray(item)) return bad
        for (const [i, element] of item.entries()) {
          const refusal = objects[member.member]
            ? isObject(element)
              ? walk(member.member, element, `${where}.${i}.`)
              : bad
            : scalarFits(
                  { ...member, type: member.member === 'string' ? 'string' : 'int' },
                  element
                )
              ? undefined
              : bad
          if (refusal) return refusal
        }
      } else if (member.type === 'object') {
        if (!isObject(item)) return bad
        const refusal = walk(member.member, item, `${where}.`)
        if (refusal) return refusal
      } else if (!scalarFits(member, item)) {
        return bad
      }
    }
    return undefined
  }
  const request = facts.actions[action]?.request
  if (!request) return { code: 'InvalidAction', message: `The action ${action} does not exist.` }
  return walk(request, params, '') ?? checkLimits(site, service, action, params)
}

function checkLimits(
  site: Site,
  service: SpecService,
  action: string,
  params: Record<string, unknown>
): Refusal | undefined {
  const tooMany = mayAnswer(action, 'InvalidParameterValue.LimitExceeded')
    ? 'InvalidParameterValue.LimitExceeded'
    : 'InvalidParameterValue'
  const stated = SPEC.limits.filter(
    (l) => l.service === service && l.action === action && l.sites.includes(site)
  )
  for (const limit of stated) {
    const [name, inner] = limit.parameter.split('[].')
    const values = inner
      ? ((params[name] as Record<string, unknown>[] | undefined) ?? []).map((f) => f[inner])
      : [params[name]]
    for (const value of values) {
      if (value === undefined) continue
      if (limit.maxItems !== undefined && Array.isArray(value) && value.length > limit.maxItems) {
        return {
          code: tooMany,
          message: `${limit.parameter} takes at most ${limit.maxItems} values.`
        }
      }
      if (limit.maxValue !== undefined && typeof value === 'number' && value > limit.maxValue) {
        return {
          code: 'InvalidParameterValue',
          message: `${limit.parameter} is at most ${limit.maxValue}.`
        }
      }
      if (
        limit.maxLength !== undefined &&
        typeof value === 'string' &&
        value.length > limit.maxLength
      ) {
        return {
          code: 'InvalidParameterValue.TooLong',
          message: `${limit.parameter} is longer than ${limit.maxLength}.`
        }
      }
      if (limit.exclusiveWith && params[limit.exclusiveWith] !== undefined) {
        return {
          code: 'InvalidParameter.ParameterConflict',
          message: `${limit.parameter} and ${limit.exclusiveWith} cannot be given together.`
        }
      }
    }
  }
  return undefined
}

/**
 * Where an answer strays from the spec of its action on this site: members
 * the spec does not have, values of the wrong type, a time in another format.
 * Returns one line per stray member; empty when the answer fits.
 */
export function checkResponse(
  site: Site,
  service: SpecService,
  action: string,
  response: Record<string, unknown>
): string[] {
  const facts = SPEC.sites[site].services[service]
  const problems: string[] = []
  const walk = (objectName: string, value: Record<string, unknown>, path: string) => {
    const members = facts.objects[objectName] ?? []
    for (const [name, item] of Object.entries(value)) {
      const member = members.find((m) => m.name === name)
      const where = `${action} ${path}${name}`
      if (!member) {
        problems.push(`${where} is not in the ${site} spec's ${objectName}`)
        continue
      }
      if (item === null) {
        if (!member.nullable && member.type !== 'list') problems.push(`${where} may not be null`)
        continue
      }
      if (member.type === 'list') {
        if (!Array.isArray(item)) problems.push(`${where} is not a list`)
        else
          for (const [i, element] of item.entries()) {
            if (facts.objects[member.member]) {
              if (isObject(element)) walk(member.member, element, `${path}${name}.${i}.`)
              else problems.push(`${where}.${i} is not an object`)
            } else if (typeof element !== 'string') problems.push(`${where}.${i} is not a string`)
          }
      } else if (member.type === 'object') {
        if (isObject(item)) walk(member.member, item, `${path}${name}.`)
        else problems.push(`${where} is not an object`)
      } else if (!scalarFits(member, item)) {
        problems.push(`${where} is not a ${member.member}: ${JSON.stringify(item)}`)
      }
    }
    for (const member of members) {
      if (member.outputRequired && !Object.hasOwn(value, member.name)) {
        problems.push(
          `${action} ${path}${member.name} is missing: the ${site} spec's ${objectName} always has it`
        )
      }
    }
  }
  const responseObject = facts.actions[action]?.response
  if (!responseObject) return [`${action} is not in the ${site} spec`]
  walk(responseObject, response, '')
  return problems
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
