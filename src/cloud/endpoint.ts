/** Where requests go: an API endpoint, and what its host says (loopback, Tencent Cloud, which site). */

export interface Endpoint {
  /** As the SDK wants it: 'https://' or 'http://'. */
  protocol: 'https://' | 'http://'
  /** Host name, with ':port' when one is given. */
  host: string
  /** Where it was given, for messages: 'input "endpoint"', or how it was derived. */
  source: string
}

export type Language = 'en-US' | 'zh-CN'

/**
 * The Tencent Cloud site an endpoint belongs to, and the same service's host
 * on the other site; undefined for a host outside tencentcloudapi.com.
 */
export function siteOf(
  endpoint: Endpoint
):
  | { name: 'China' | 'international'; host: string; other: { name: string; host: string } }
  | undefined {
  const host = hostnameOf(endpoint).toLowerCase()
  const match = /^([a-z0-9-]+)(\.intl)?\.tencentcloudapi\.com$/.exec(host)
  if (!match) return undefined
  const [, service, intl] = match
  return intl
    ? {
        name: 'international',
        host,
        other: { name: 'China', host: `${service}.tencentcloudapi.com` }
      }
    : {
        name: 'China',
        host,
        other: { name: 'international', host: `${service}.intl.tencentcloudapi.com` }
      }
}

/** The host name without the port. */
export function hostnameOf(endpoint: Endpoint): string {
  return new URL(`${endpoint.protocol}${endpoint.host}`).hostname
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** A Tencent Cloud API 3.0 host: tencentcloudapi.com or a name under it. */
export function isTencentCloudHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return name === 'tencentcloudapi.com' || name.endsWith('.tencentcloudapi.com')
}

/**
 * The STS host of an endpoint's site (lighthouse.X becomes sts.X), or a
 * loopback endpoint itself (an emulator); undefined for a host outside
 * Tencent Cloud, which is never trusted with what goes to STS.
 */
export function stsEndpointOf(endpoint: Endpoint, source: string): Endpoint | undefined {
  const hostname = hostnameOf(endpoint)
  if (!isTencentCloudHost(hostname) && !isLoopback(hostname)) return undefined
  return { ...endpoint, host: endpoint.host.replace(/^lighthouse\./, 'sts.'), source }
}

/**
 * The Organization API of an endpoint's site: a global service, so one host a
 * site (a regional Lighthouse host names the same site); a loopback endpoint
 * (an emulator) is itself; undefined for a host outside Tencent Cloud.
 */
export function organizationEndpointOf(
  endpoint: Endpoint,
  source: (site: 'China' | 'international') => string
): Endpoint | undefined {
  const hostname = hostnameOf(endpoint)
  if (isLoopback(hostname)) return endpoint
  if (!isTencentCloudHost(hostname)) return undefined
  const international = /\.intl\.tencentcloudapi\.com$/i.test(hostname)
  return {
    protocol: 'https://',
    host: international
      ? 'organization.intl.tencentcloudapi.com'
      : 'organization.tencentcloudapi.com',
    source: source(international ? 'international' : 'China')
  }
}
