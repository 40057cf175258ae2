/**
 * Writes __tests__/contract/tencent-spec.json: the facts of Tencent's own API
 * specs that the action and the emulator are held to, for the actions this
 * project uses, on both sites. Run it when Tencent's specs change:
 *
 *   tsx scripts/spec-facts.ts CHINA_CLI_CHECKOUT INTL_CLI_CHECKOUT ERROR_CODES_MD
 *
 * where the checkouts are git clones of TencentCloud/tencentcloud-cli and
 * TencentCloud/tencentcloud-cli-intl-en, and ERROR_CODES_MD is the per-action
 * code list (shared/reference/tencentcloud-error-codes.md of the steering repo).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { ACTIONS } from './services.js'

const [chinaRepo, intlRepo, codesFile] = process.argv.slice(2)
if (!chinaRepo || !intlRepo || !codesFile) {
  console.error(
    'usage: tsx scripts/spec-facts.ts CHINA_CLI_CHECKOUT INTL_CLI_CHECKOUT ERROR_CODES_MD'
  )
  process.exit(2)
}

/**
 * Limits the specs state in prose, each with the China site's words and, where
 * the international spec states it too, that spec's words; both are checked
 * to be there, so a limit here is never a guess, and one the international
 * spec does not state applies to the China site only.
 */
const LIMITS: {
  service: keyof typeof ACTIONS
  action: string
  parameter: string
  maxItems?: number
  maxValue?: number
  maxLength?: number
  exclusiveWith?: string
  quote: string
  intlQuote?: string
  inActionDocument?: boolean
}[] = [
  {
    service: 'lighthouse',
    action: 'ShareBlueprintAcrossAccounts',
    parameter: 'AccountIds',
    maxItems: 10,
    quote: '账号个数取值最大为10',
    intlQuote: 'The maximum number of accounts is 10.'
  },
  {
    service: 'lighthouse',
    action: 'CancelShareBlueprintAcrossAccounts',
    parameter: 'AccountIds',
    maxItems: 10,
    quote: '账号个数取值最大为10',
    intlQuote: 'The maximum number of accounts is 10.'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprints',
    parameter: 'BlueprintIds',
    maxItems: 100,
    quote: '列表长度最大值为100'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprints',
    parameter: 'Limit',
    maxValue: 100,
    quote: '最大值为 100',
    intlQuote: 'Maximum value: 100.'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprints',
    parameter: 'Filters',
    maxItems: 10,
    quote: 'Filters 的上限为 10',
    intlQuote: 'up to 10 `Filters`'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprints',
    parameter: 'Filters[].Values',
    maxItems: 100,
    quote: 'Filter.Values 的上限为 100',
    intlQuote: 'up to 100 `Filter.Values`'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprints',
    parameter: 'Filters',
    exclusiveWith: 'BlueprintIds',
    quote: '参数不支持同时指定 BlueprintIds',
    intlQuote: '`BlueprintIds` and `Filters` cannot be specified at the same time.'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprintsShareAcrossAccountInfos',
    parameter: 'Limit',
    maxValue: 100,
    quote: '最大值为 100'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprintsShareAcrossAccountInfos',
    parameter: 'Filters',
    maxItems: 10,
    quote: 'Filters 的上限为 10'
  },
  {
    service: 'lighthouse',
    action: 'DescribeBlueprintsShareAcrossAccountInfos',
    parameter: 'Filters[].Values',
    maxItems: 5,
    quote: 'Filter.Values 的上限为 5'
  },
  {
    service: 'lighthouse',
    action: 'SyncBlueprint',
    parameter: 'DestinationRegions',
    maxItems: 10,
    quote: '最多10个地域',
    intlQuote: 'Up to 10 regions are supported.',
    inActionDocument: true
  },
  {
    service: 'lighthouse',
    action: 'ModifyBlueprintAttribute',
    parameter: 'Description',
    maxLength: 60,
    quote: '最大长度60',
    intlQuote: 'up to 60 characters'
  },
  {
    service: 'lighthouse',
    action: 'ModifyBlueprintAttribute',
    parameter: 'BlueprintName',
    maxLength: 60,
    quote: '最大长度60',
    intlQuote: 'up to 60 characters'
  },
  {
    service: 'sts',
    action: 'AssumeRoleWithWebIdentity',
    parameter: 'DurationSeconds',
    maxValue: 43200,
    quote: '43200',
    intlQuote: 'Maximum value: 43,200s.'
  },
  {
    service: 'organization',
    action: 'DescribeOrganizationNodes',
    parameter: 'Limit',
    maxValue: 50,
    quote: '限制数目。最大50',
    intlQuote: 'Maximum value: `50`.'
  },
  {
    service: 'organization',
    action: 'DescribeOrganizationMembers',
    parameter: 'Limit',
    maxValue: 50,
    quote: '取值范围：1~50',
    intlQuote: 'Value range: 1-50.'
  }
]

interface Member {
  name: string
  type: string
  member: string
  required?: boolean
  output_required?: boolean
  value_allowed_null?: boolean
  document: string
}
interface ApiSpec {
  actions: Record<string, { input: string; output: string; document: string }>
  objects: Record<string, { members: Member[] }>
}

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })

function siteFacts(repo: string, name: string) {
  const [commit, date] = git(repo, 'log', '-1', '--format=%H %cs').trim().split(' ')
  const services: Record<string, unknown> = {}
  const specs: Record<string, ApiSpec> = {}
  for (const [service, { version, actions }] of Object.entries(ACTIONS)) {
    const spec = JSON.parse(
      git(repo, 'show', `HEAD:tccli/services/${service}/${version}/api.json`)
    ) as ApiSpec
    specs[service] = spec
    const objects: Record<string, unknown> = {}
    const visit = (objectName: string) => {
      if (objects[objectName] || !spec.objects[objectName]) return
      objects[objectName] = spec.objects[objectName].members.map((m) => ({
        name: m.name,
        type: m.type,
        member: m.member,
        ...(m.required ? { required: true } : {}),
        ...(m.output_required ? { outputRequired: true } : {}),
        ...(m.value_allowed_null ? { nullable: true } : {})
      }))
      for (const m of spec.objects[objectName].members) visit(m.member)
    }
    const present: Record<string, { request: string; response: string }> = {}
    for (const action of actions) {
      const found = spec.actions[action]
      if (!found) continue
      present[action] = { request: found.input, response: found.output }
      visit(found.input)
      visit(found.output)
    }
    services[service] = {
      version: `${version.slice(1, 5)}-${version.slice(5, 7)}-${version.slice(7)}`,
      actionCount: Object.keys(spec.actions).length,
      actions: present,
      missing: actions.filter((a) => !spec.actions[a]),
      objects
    }
  }
  return {
    facts: {
      source: `${name} at commit ${commit} (${date}), tccli/services/<service>/<version>/api.json`,
      services
    },
    specs
  }
}

const china = siteFacts(chinaRepo, 'TencentCloud/tencentcloud-cli')
const international = siteFacts(intlRepo, 'TencentCloud/tencentcloud-cli-intl-en')

/** The prose a limit is stated in: its parameter's document, or its action's. */
function limitText(spec: ApiSpec, limit: (typeof LIMITS)[number]): string | undefined {
  const action = spec.actions[limit.action]
  if (!action) return undefined
  const parameter = limit.parameter.split('[')[0]
  return limit.inActionDocument
    ? action.document
    : spec.objects[action.input].members.find((m) => m.name === parameter)?.document
}

const limits = LIMITS.map(({ intlQuote, ...limit }) => {
  if (!limitText(china.specs[limit.service], limit)?.includes(limit.quote)) {
    throw new Error(
      `${limit.action}.${limit.parameter}: the China spec no longer says "${limit.quote}".`
    )
  }
  if (intlQuote && !limitText(international.specs[limit.service], limit)?.includes(intlQuote)) {
    throw new Error(
      `${limit.action}.${limit.parameter}: the international spec no longer says "${intlQuote}".`
    )
  }
  return { ...limit, sites: intlQuote ? ['china', 'international'] : ['china'] }
})

/** The code tables of the error-code list: "### Action" then rows "| `Code` | description |". */
function errorCodes(markdown: string) {
  const perAction: Record<string, string[]> = {}
  let action: string | undefined
  for (const line of markdown.split('\n')) {
    const heading = /^### (\w+)$/.exec(line)
    if (heading) action = heading[1]
    const row = /^\| `([\w.]+)` \|/.exec(line)
    if (row && action) (perAction[action] ??= []).push(row[1])
  }
  const commonSection = markdown.split('## Common codes')[1] ?? ''
  const common = [...commonSection.matchAll(/`([\w.]+)`/g)].map((m) => m[1])
  return { perAction, common }
}
const codes = errorCodes(readFileSync(codesFile, 'utf8'))

const output = {
  about:
    "Facts of Tencent Cloud's published API specs for the actions this project uses, " +
    'written by scripts/spec-facts.ts. Do not edit by hand: run the script again.',
  sites: { china: china.facts, international: international.facts },
  limits,
  errorCodes: {
    source:
      "API 3.0's common error codes (the per-action lists and their descriptions are in tencent-codes.json, from scripts/code-facts.ts)",
    common: codes.common
  }
}
const target = new URL('../__tests__/contract/tencent-spec.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(output, null, 2)}\n`)
console.log(`Wrote ${target.pathname.split('/').slice(-3).join('/')}.`)
