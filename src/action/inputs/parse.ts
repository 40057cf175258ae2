/** The shapes inputs come in: lists, booleans, choices, counts, seconds, account IDs, endpoints. */
import { isAccountId } from '../../common/ids.js'
import { hostnameOf, isLoopback, isTencentCloudHost, type Endpoint } from '../../cloud/endpoint.js'
import { accountShower, type ShowAccount } from '../../common/ids.js'
import { INPUT, InputError, named, type InputName } from './names.js'

/**
 * A list input's items, the first of each duplicate, in order: a JSON array
 * of strings (as this action's own list outputs are, so they can be passed
 * back in), or items split on commas, spaces and newlines, where a # starts
 * a comment to the end of its line.
 */
export function listItems(value: string, inputName: InputName): string[] {
  const text = value.trim()
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new InputError(
        `Input ${named(inputName)} starts with "[" but is not a JSON array: ${(error as Error).message}. ` +
          'Give a JSON array of strings, e.g. ["200000000001","200000000002"], or items separated by commas, ' +
          'spaces or newlines.'
      )
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      throw new InputError(
        `Input ${named(inputName)} is a JSON value but not an array of strings: quote each item, e.g. ["200000000001"].`
      )
    }
    return [...new Set(parsed.map((item) => item.trim()).filter(Boolean))]
  }
  const items = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('\n')
    .split(/[\s,]+/)
  return [...new Set(items.filter(Boolean))]
}

/** What core.getBooleanInput accepts (the YAML 1.2 core schema), and nothing else. */
export const BOOLEANS = new Map([
  ...['true', 'True', 'TRUE'].map((word) => [word, true] as const),
  ...['false', 'False', 'FALSE'].map((word) => [word, false] as const)
])

export function parseBoolean(value: string, inputName: InputName): boolean {
  const parsed = BOOLEANS.get(value)
  if (parsed === undefined) {
    throw new InputError(`Input ${named(inputName)} must be true or false, not "${value}".`)
  }
  return parsed
}

export function parseChoice<T extends string>(
  value: string,
  inputName: InputName,
  choices: readonly T[]
): T {
  const choice = choices.find((c) => c === value)
  if (!choice) {
    throw new InputError(
      `Input ${named(inputName)} must be ${choices.join(' or ')}, not "${value}".`
    )
  }
  return choice
}

export function parseSeconds(value: string, inputName: InputName): number {
  if (!/^[0-9]+$/.test(value)) {
    throw new InputError(
      `Input ${named(inputName)} must be a whole number of seconds (0 or more), not "${value}".`
    )
  }
  return Number(value)
}

/** A count of versions: a whole number, at least 1; undefined when not given. */
export function parseCount(value: string, inputName: InputName): number | undefined {
  if (!value) return undefined
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
    throw new InputError(
      `Input ${named(inputName)} must be a whole number of versions, at least 1, not "${value}".`
    )
  }
  return Number(value)
}

/** Account IDs from a list input, each checked. */
export function parseAccountIds(
  value: string,
  inputName: InputName,
  /** With mask-account-ids, an invalid value is shown shortened too: it is most likely a mistyped ID. */
  show: ShowAccount = accountShower(false)
): string[] {
  const ids = listItems(value, inputName)
  const invalid = ids.filter((id) => !isAccountId(id))
  if (invalid.length > 0) {
    const list = invalid.map((id) => `"${show(id)}"`).join(', ')
    throw new InputError(
      `Input ${named(inputName)} has ${invalid.length === 1 ? 'an invalid account ID' : 'invalid account IDs'}: ${list}. ` +
        'Give the account ID of each root account (Account Center > Account Information): ' +
        '5 to 20 digits with no leading zero, separated by commas, spaces or newlines (a # starts a comment ' +
        'to the end of its line), or a JSON array of strings.'
    )
  }
  if (ids.length === 0) {
    throw new InputError(`Input ${named(inputName)} has no account IDs in it: "${value}".`)
  }
  return ids
}

/**
 * A host name, or a URL with scheme and optional port. Plain http is only for
 * loopback hosts (a local emulator): credentials must never cross a network unencrypted.
 */
export function parseEndpoint(value: string, inputName: InputName = INPUT.endpoint): Endpoint {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
  const bad = (why: string): InputError =>
    new InputError(`Input ${named(inputName)} is not a valid endpoint: "${value}". ${why}`)
  let url: URL
  try {
    url = new URL(hasScheme ? value : `https://${value}`)
  } catch {
    throw bad('Give a host name such as lighthouse.intl.tencentcloudapi.com, or an https:// URL.')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw bad('Only https:// (or http:// to a loopback address) is supported.')
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw bad('Give only the scheme, host and port, with no path, query or user name.')
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw bad(
      'Use https: plain http is only allowed to a loopback address (127.0.0.1, localhost, ::1).'
    )
  }
  return {
    protocol: url.protocol === 'http:' ? 'http://' : 'https://',
    host: url.host,
    source: `input ${named(inputName)}`
  }
}

/** A host outside Tencent Cloud (and not loopback) is allowed, with a warning that says what goes there. */
export function warnIfNotTencentCloud(
  endpoint: Endpoint,
  whatGoesThere: string,
  warn: (message: string) => void
): void {
  const host = hostnameOf(endpoint)
  if (isTencentCloudHost(host) || isLoopback(host)) return
  warn(
    `${endpoint.source.charAt(0).toUpperCase()}${endpoint.source.slice(1)} is ${host}, which is not a Tencent Cloud ` +
      `API host (*.tencentcloudapi.com): ${whatGoesThere}. Use it only if you run or trust that host.`
  )
}
