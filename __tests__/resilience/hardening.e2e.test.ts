/**
 * Faults and hostile input against the bundled action: outcomes that must not
 * go unreported, credentials that must be renewed, hosts that must not get a
 * token, and text from outside that must not reach the log or the summary as
 * anything but text.
 */
import { describe, expect, test } from '@jest/globals'
import { HtmlRenderer, Parser } from 'commonmark'
import {
  BLUEPRINT_ID,
  rootAccounts,
  shareInputs,
  emulatorForEachTest,
  oidcInputs,
  oidcRole
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction, type ActionResult } from '../helpers/run-action.js'
import { SHARE, CANCEL, SHARE_INFO, DESCRIBE, ASSUME } from '../helpers/actions.js'

const emulator = emulatorForEachTest((created) => oidcRole(created))

/** The summary as GitHub would show it: Markdown with HTML blocks, rendered by a CommonMark renderer. */
function renderSummary(result: ActionResult): string {
  return new HtmlRenderer().render(new Parser().parse(result.summary))
}

/** Workflow commands the action itself writes; any other `::` line would be forged. */
const OWN_COMMANDS = /^::(add-mask|debug|error|warning|notice|group|endgroup)::/

function commandLines(result: ActionResult): string[] {
  return result.stdout.split(/\r?\n|\r/).filter((line) => line.trimStart().startsWith('::'))
}

describe('an outcome that is not known is reported, never "not attempted"', () => {
  test('a share whose answer was lost, and whose check then fails, is named as unknown', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, { kind: 'lose-answer' })
    emulator.inject(
      SHARE_INFO,
      { kind: 'error', code: 'AuthFailure.UnauthorizedOperation' },
      { nth: 2, times: 10 }
    )

    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))

    expect(result.exitCode).toBe(1)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
    expect(listOutput(result, 'failed-account-ids')).toEqual([a])
    expect(listOutput(result, 'shared-account-ids')).toEqual([])
    expect(errorLine(result)).toContain(`${a}`)
    expect(errorLine(result)).toMatch(/unknown/i)
    expect(errorLine(result)).toMatch(/run the step again/i)
    expect(result.summary).not.toContain('not attempted')
    expect(result.summary).toContain(`<code>${a}</code></td><td>❓ outcome unknown`)
  })

  test('a revoke whose answer was lost, and whose check then fails, is named as unknown', async () => {
    const [a, keep] = rootAccounts(2)
    emulator
      .addAccounts('root', [a, keep])
      .addBlueprint({ id: BLUEPRINT_ID, sharedWith: [a, keep] })
    emulator.inject(CANCEL, { kind: 'lose-answer' })
    emulator.inject(
      SHARE_INFO,
      { kind: 'error', code: 'AuthFailure.UnauthorizedOperation' },
      { nth: 2, times: 10 }
    )

    const result = await runAction(shareInputs(emulator, { 'revoke-account-ids': a }))

    expect(result.exitCode).toBe(1)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([keep])
    expect(listOutput(result, 'failed-account-ids')).toEqual([a])
    expect(listOutput(result, 'revoked-account-ids')).toEqual([])
    expect(errorLine(result)).toContain(a)
    expect(errorLine(result)).toMatch(/unknown/i)
    expect(result.summary).toContain(`<code>${a}</code></td><td>❓ outcome unknown`)
  })
})

describe('credentials', () => {
  test('role credentials that expire during a slow request are renewed and the call made again', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.identity.credentialSeconds = 3
    // Answered after the credentials it was signed with have expired.
    emulator.inject(DESCRIBE, { kind: 'delay', ms: 3500 })

    const result = await runAction(
      oidcInputs(emulator, { 'account-ids': a }),
      emulator.idTokenVariables
    )

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(DESCRIBE).map((c) => c.outcome)).toEqual([
      'AuthFailure.TokenFailure',
      undefined
    ])
    expect(emulator.identity.issued).toHaveLength(2)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
  })

  test('STS rate limiting (InvalidParameter.OverLimit) is retried', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(ASSUME, { kind: 'error', code: 'InvalidParameter.OverLimit' })

    const result = await runAction(
      oidcInputs(emulator, { 'account-ids': a }),
      emulator.idTokenVariables
    )

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(ASSUME).map((c) => c.outcome)).toEqual([
      'InvalidParameter.OverLimit',
      undefined
    ])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
  })
})

describe('a host that does not exist', () => {
  test('fails at once, naming the host and the input "endpoint"', async () => {
    const started = Date.now()
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': '200000000001',
        endpoint: 'https://lighthouse.no-such-host.invalid'
      })
    )
    expect(result.exitCode).toBe(1)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(errorLine(result)).toContain('lighthouse.no-such-host.invalid')
    expect(errorLine(result)).toContain('"endpoint"')
  }, 60_000)

  test('fails at once, naming the host and the input "sts-endpoint"', async () => {
    const started = Date.now()
    const result = await runAction(
      oidcInputs(emulator, {
        'account-ids': '200000000001',
        'sts-endpoint': 'sts.no-such-host.invalid'
      }),
      emulator.idTokenVariables
    )
    expect(result.exitCode).toBe(1)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(errorLine(result)).toContain('sts.no-such-host.invalid')
    expect(errorLine(result)).toContain('"sts-endpoint"')
  }, 60_000)
})

describe('where the GitHub token may go', () => {
  test('not to an STS host derived from a custom endpoint outside tencentcloudapi.com', async () => {
    const result = await runAction(
      oidcInputs(emulator, {
        'account-ids': '200000000001',
        endpoint: 'https://api.example-gateway.invalid'
      }),
      emulator.idTokenVariables
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('"sts-endpoint"')
    expect(emulator.identity.idTokenAudiences).toEqual([])
    expect(emulator.calls).toEqual([])
  })

  test('a custom Lighthouse endpoint outside tencentcloudapi.com gets a warning', async () => {
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': '200000000001',
        endpoint: 'https://api.example-gateway.invalid'
      })
    )
    expect(result.stdout).toMatch(
      /^::warning::.*api\.example-gateway\.invalid.*not a Tencent Cloud API host/m
    )
  })
})

describe('text from outside cannot inject workflow commands', () => {
  const tricks = [
    '\n::stop-commands::pwned',
    '\r::warning::forged',
    '\r\n::error::forged',
    '##[add-mask]x'
  ]

  test.each(tricks)('an image name with %j is printed as text', async (trick) => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID, name: `golden${trick}` })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))
    expect(result.exitCode).toBe(0)
    expect(commandLines(result).filter((l) => !OWN_COMMANDS.test(l))).toEqual([])
    expect(commandLines(result).join('\n')).not.toContain('forged')
    expect(result.stdout).not.toContain('##[')
  })

  test('an error code and message with line breaks stay on their line', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, {
      kind: 'error',
      code: 'InternalError.\n::stop-commands::pwned',
      offSpec: true,
      message: 'busy\n::warning::forged'
    })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))
    expect(commandLines(result).filter((l) => !OWN_COMMANDS.test(l))).toEqual([])
    expect(commandLines(result).join('\n')).not.toMatch(/^::warning::forged/m)
  })

  test('a body that is not JSON is quoted on one line', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(DESCRIBE, { kind: 'non-json', body: 'x\n::stop-commands::pwned' })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))
    expect(result.exitCode).toBe(0)
    expect(commandLines(result).filter((l) => !OWN_COMMANDS.test(l))).toEqual([])
  })

  test('an unknown image state is printed as text', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, state: 'BUSY\n::stop-commands::pwned' })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '200000000001', 'wait-timeout-seconds': '2' })
    )
    expect(result.exitCode).toBe(1)
    expect(commandLines(result).filter((l) => !OWN_COMMANDS.test(l))).toEqual([])
  })
})

describe('text from outside cannot break out of the job summary', () => {
  const hostile =
    'denied\r\r# Pwned heading\n\n[click me](https://evil.example/phish) ' +
    '![tracker](https://evil.example/pixel.png)\n\n<img src=x onerror=alert(1)>'

  test('an API message in the failure and in the account row renders as text', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, {
      kind: 'error',
      code: 'UnauthorizedOperation.Custom',
      offSpec: true,
      message: hostile
    })

    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))

    expect(result.exitCode).toBe(1)
    const html = renderSummary(result)
    expect(html).toContain('Pwned heading')
    expect(html).not.toMatch(/<h1/)
    expect(html).not.toMatch(/<a [^>]*evil\.example/)
    expect(html).not.toMatch(/<img/)
  })

  test('an image name renders as text', async () => {
    const [a] = rootAccounts(1)
    emulator
      .addAccounts('root', [a])
      .addBlueprint({ id: BLUEPRINT_ID, state: `SYNCING\r\r# Pwned\n\n[x](https://evil.example)` })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': a, 'wait-timeout-seconds': '0' })
    )
    const html = renderSummary(result)
    expect(html).not.toMatch(/<h1/)
    expect(html).not.toMatch(/<a [^>]*evil\.example/)
  })
})

describe('a proxy URL without a scheme', () => {
  test('is taken as http:// and its password is masked', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }), {
      HTTPS_PROXY: 'builder:pr0xyPa55word@proxy.corp.invalid:3128'
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::add-mask::pr0xyPa55word')
    const visible = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(visible).not.toContain('pr0xyPa55word')
  })
})
