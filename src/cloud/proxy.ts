/** The proxy a self-hosted runner names, read by the Actions toolkit's rules. */
import { checkBypass } from '@actions/http-client/lib/proxy'
import type { Endpoint } from './endpoint.js'

/** A proxy variable that cannot be used; the message never holds the value (it may carry a password). */
export class ProxyError extends Error {
  override name = 'ProxyError'
}

/** The variables for each scheme of endpoint, in the toolkit's order of preference. */
const VARIABLES = {
  'https://': ['https_proxy', 'HTTPS_PROXY'],
  'http://': ['http_proxy', 'HTTP_PROXY']
} as const

const ALL_VARIABLES = [...VARIABLES['https://'], ...VARIABLES['http://']]

/**
 * A proxy variable's value as a URL. Without a scheme it is an http proxy
 * (`user:password@proxy:3128`), as curl and the toolkit take it; URL would
 * otherwise read `user:` as the scheme and lose the host and the password.
 */
function parseProxy(value: string, variable: string): URL {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase()
  if (scheme && scheme !== 'http' && scheme !== 'https') {
    throw new ProxyError(
      `${variable} names a ${scheme} proxy: only http:// and https:// proxies are supported.`
    )
  }
  const text = scheme ? value : `http://${value}`
  if (!URL.canParse(text)) throw new ProxyError(`${variable} is not a proxy URL.`)
  return new URL(text)
}

/**
 * The proxy URL for an endpoint, from the process environment: https_proxy or
 * HTTPS_PROXY (http_proxy or HTTP_PROXY for plain http), unless no_proxy or
 * NO_PROXY exempts the host, and never for a loopback host.
 */
export function proxyFor(endpoint: Endpoint): string | undefined {
  if (checkBypass(new URL(`${endpoint.protocol}${endpoint.host}`))) return undefined
  const [lower, upper] = VARIABLES[endpoint.protocol]
  const variable = process.env[lower] ? lower : upper
  const value = process.env[variable]?.trim()
  return value ? parseProxy(value, variable).href : undefined
}

/** Every proxy password in the environment, as written and decoded, so it can be masked before anything is logged. */
export function proxyPasswords(env: NodeJS.ProcessEnv): string[] {
  return ALL_VARIABLES.flatMap((variable) => {
    const value = env[variable]?.trim()
    if (!value) return []
    let password: string
    try {
      password = parseProxy(value, variable).password
    } catch {
      // Refused when it is used, with a message that does not hold it; mask what looks like a password anyway.
      password = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^:/@]*:([^@]*)@/i.exec(value)?.[1] ?? ''
    }
    return password ? [password, safeDecode(password)] : []
  })
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
