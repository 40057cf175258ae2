/**
 * Writes __tests__/contract/tccli-actions.json: for every `tccli <service>
 * <Action>` command that src/ can print or the README and docs/ show, the action's
 * parameters and the required ones, from the China spec of
 * TencentCloud/tencentcloud-cli (the api.json that tccli itself reads).
 *
 *   npx tsx scripts/tccli-facts.ts ../tencentcloud-cli
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tccliCommands } from '../__tests__/helpers/tccli-commands.js'

const repo = process.argv[2]
if (!repo) {
  console.error('usage: npx tsx scripts/tccli-facts.ts <tencentcloud-cli checkout>')
  process.exit(2)
}

interface ApiJson {
  actions: Record<string, { input: string }>
  objects: Record<string, { members: { name: string; required?: boolean }[] }>
}

/** The newest version folder of a service: tccli's default. */
function apiOf(service: string): ApiJson {
  const folder = join(repo, 'tccli', 'services', service)
  const version = readdirSync(folder)
    .filter((name) => /^v\d{8}$/.test(name))
    .sort()
    .at(-1)
  if (!version) throw new Error(`tccli has no service ${service}.`)
  return JSON.parse(readFileSync(join(folder, version, 'api.json'), 'utf8')) as ApiJson
}

const root = new URL('../', import.meta.url)
const facts: Record<string, Record<string, { parameters: string[]; required: string[] }>> = {}
for (const { service, action } of tccliCommands(root)) {
  const api = apiOf(service)
  const spec = api.actions[action]
  if (!spec) throw new Error(`tccli ${service} has no action ${action}.`)
  const members = api.objects[spec.input].members
  ;(facts[service] ??= {})[action] = {
    parameters: members.map((m) => m.name),
    required: members.filter((m) => m.required).map((m) => m.name)
  }
}

const output = {
  about:
    'The parameters of every tccli command this project prints or shows, from the China spec tccli reads ' +
    '(TencentCloud/tencentcloud-cli), written by scripts/tccli-facts.ts. Do not edit by hand: run the script again.',
  source: {
    repository: 'TencentCloud/tencentcloud-cli',
    commit: execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
  },
  actions: facts
}
const target = new URL('../__tests__/contract/tccli-actions.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(output, null, 2)}\n`)
console.log(`Wrote ${target.pathname.split('/').slice(-3).join('/')}.`)
