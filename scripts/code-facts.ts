/**
 * Writes __tests__/contract/tencent-codes.json: for each action this project
 * calls, the codes Tencent's Go SDK lists for it (client.go), and each
 * code's description as Tencent writes it (errors.go). The tests hold the
 * code tables in src/cloud/codes/ and the emulator to them.
 *
 *   npx tsx scripts/code-facts.ts ../tencentcloud-sdk-go
 *
 * (a checkout of TencentCloud/tencentcloud-sdk-go; only the lighthouse, sts
 * and organization folders are read).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTIONS } from './services.js'

const repo = process.argv[2]
if (!repo) {
  console.error('usage: npx tsx scripts/code-facts.ts <tencentcloud-sdk-go checkout>')
  process.exit(2)
}

/** client.go: "// 可能返回的错误码:" then one "//  CONST = "Code"" line each, right above the action's func. */
function codesPerAction(client: string): Map<string, string[]> {
  const found = new Map<string, string[]>()
  const block =
    /\/\/ 可能返回的错误码:\n((?:\/\/ {2}\w+ = "[\w.]+"\n)+)func \(c \*Client\) (\w+)\(/g
  for (const [, lines, action] of client.matchAll(block)) {
    found.set(
      action,
      [...lines.matchAll(/"([\w.]+)"/g)].map(([, code]) => code)
    )
  }
  return found
}

/** errors.go: "// description" then "CONST = "Code"". */
function descriptions(errors: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const [, text, code] of errors.matchAll(/\/\/ ([^\n]*)\n\s*\w+ = "([\w.]+)"/g)) {
    found.set(code, text.trim())
  }
  return found
}

const perAction: Record<string, string[]> = {}
const described: Record<string, Record<string, string>> = {}
for (const [service, { version, actions }] of Object.entries(ACTIONS)) {
  const folder = `tencentcloud/${service}/${version}`
  const lists = codesPerAction(readFileSync(join(repo, folder, 'client.go'), 'utf8'))
  const texts = descriptions(readFileSync(join(repo, folder, 'errors.go'), 'utf8'))
  described[service] = {}
  for (const action of actions) {
    const codes = lists.get(action)
    if (!codes) throw new Error(`${folder}/client.go lists no codes for ${action}.`)
    perAction[action] = codes
    for (const code of codes) {
      const text = texts.get(code)
      if (text === undefined) throw new Error(`${folder}/errors.go does not describe ${code}.`)
      described[service][code] = text
    }
  }
  // The service's own descriptions of the common codes (InternalError, FailedOperation…), where it gives them.
  for (const [code, text] of texts) if (!code.includes('.')) described[service][code] = text
}

const git = (...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim()
const output = {
  about:
    "The codes Tencent's Go SDK lists for each action this project calls (client.go), and Tencent's " +
    'description of each (errors.go), written by scripts/code-facts.ts. Do not edit by hand: run the script again.',
  source: {
    repository: 'TencentCloud/tencentcloud-sdk-go',
    commit: git('rev-parse', 'HEAD'),
    date: git('log', '-1', '--format=%cs')
  },
  perAction,
  descriptions: described
}
const target = new URL('../__tests__/contract/tencent-codes.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(output, null, 2)}\n`)
console.log(`Wrote ${target.pathname.split('/').slice(-3).join('/')}.`)
