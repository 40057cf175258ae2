/** Which table says what a code means: the action's own, else its service's, else the code's family. */
import { ASSUME_ROLE_CODES, STS_CODES } from './sts.js'
import { DELETE_CODES, LIGHTHOUSE_CODES } from './lighthouse.js'
import type { CodeMeaning, Service } from './meaning.js'
import { ORGANIZATION_CODES } from './organization.js'

const CODES: Record<Service, Record<string, CodeMeaning>> = {
  lighthouse: LIGHTHOUSE_CODES,
  sts: STS_CODES,
  organization: ORGANIZATION_CODES
}

/** Where one action's codes mean something else than its service's. */
const ACTION_CODES: Record<string, Record<string, CodeMeaning>> = {
  AssumeRole: ASSUME_ROLE_CODES,
  // Every code Tencent lists for it, each by its own description. Any answer but success is settled by
  // reading the image (gone, or DELETING, means deleted): these say what to do when it is still there.
  DeleteBlueprints: DELETE_CODES
}

/** The code's meaning, else its family's (RequestLimitExceeded.UinLimitExceeded → RequestLimitExceeded). */
export function meaningOf(service: Service, code: string, action = ''): CodeMeaning {
  const tables = [ACTION_CODES[action], CODES[service]].filter(Boolean)
  for (let key = code; key; key = key.slice(0, Math.max(key.lastIndexOf('.'), 0))) {
    for (const table of tables) if (Object.hasOwn(table, key)) return table[key]
  }
  return { kind: 'permanent' }
}
