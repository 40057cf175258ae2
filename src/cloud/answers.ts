/** Reading an answer member by member: an answer that does not fit the spec is no answer (a TransportError, retried like one). */
import { TransportError } from './api-errors.js'
import type { ApiResponse } from './api-transport.js'

/** An item of a list, as an object; anything else reads as one with no members. */
export function membersOf(item: unknown): Record<string, unknown> {
  return typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {}
}

/** The answer does not fit the spec: read as no answer at all. */
export function unreadable(action: string, what: string): TransportError {
  return new TransportError(action, `an answer that cannot be read: ${what}`)
}

export function listOf(action: string, response: ApiResponse, member: string): unknown[] {
  const value = response[member]
  if (!Array.isArray(value)) throw unreadable(action, `${member} is not a list`)
  return value
}

export function countOf(action: string, response: ApiResponse): number {
  const total = response.TotalCount
  if (!Number.isInteger(total) || (total as number) < 0)
    throw unreadable(action, 'TotalCount is not a count')
  return total as number
}
