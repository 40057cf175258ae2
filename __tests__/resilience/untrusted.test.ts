/** Text from outside, made safe for the log and the job summary. */
import { describe, expect, test } from '@jest/globals'
import { escapeHtml, neutralize } from '../../src/common/untrusted.js'

/** Lines as the runner reads them, and whether any would be a workflow command. */
function commandsIn(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
}

describe('neutralize', () => {
  test.each([
    ['a line feed', 'golden\n::stop-commands::pwned'],
    ['a carriage return', 'golden\r::warning::forged'],
    ['CR LF', 'golden\r\n::error::forged'],
    ['two CRs', 'golden\r\r::add-mask::x'],
    ['a leading command', '::stop-commands::pwned'],
    ['a leading command after spaces', '   ::warning::forged'],
    ['the v1 form anywhere in the line', 'see ##[add-mask]secret'],
    ['a vertical tab, form feed and NEL', 'a\u000b::x\u000c::y\u0085::z'],
    ['Unicode line separators', 'a\u2028::x\u2029::y']
  ])('%s cannot start a workflow command', (_, text) => {
    const safe = neutralize(text)
    expect(commandsIn(safe)).toEqual([])
    expect(commandsIn(`prefix ${safe}`)).toEqual([])
  })

  test('shows line breaks and control characters as escapes', () => {
    expect(neutralize('a\nb\rc\u001b[31md')).toBe('a\\nb\\rc\\u001b[31md')
  })

  test('keeps ordinary text, tabs and a :: inside the line as they are', () => {
    const text = 'qcs::cam::uin/100000000001:roleName/x\tInvalid parameter: "lhbp-1"'
    expect(neutralize(text)).toBe(text)
  })

  test('is idempotent', () => {
    for (const text of ['::a\n##[b', '  ::x', 'x\r\ny']) {
      expect(neutralize(neutralize(text))).toBe(neutralize(text))
    }
  })
})

describe('escapeHtml', () => {
  test('escapes markup, so no tag from outside is a tag', () => {
    expect(escapeHtml('<img src=x onerror="y">&')).toBe(
      '&#60;img src=x onerror=&#34;y&#34;&#62;&#38;'
    )
  })

  test.each(['\n\n', '\r\r', '\r\n\r\n', '\u2028\u2029'])(
    'writes line breaks %j as <br>, so no blank line ends the HTML block',
    (breaks) => {
      const escaped = escapeHtml(`a${breaks}# heading`)
      expect(escaped).toBe('a<br><br># heading')
    }
  )
})

describe('invisible Unicode', () => {
  test.each([
    ['a zero-width space after an ID', '200000000001\u200b', '200000000001\\u200b'],
    ['a right-to-left override', 'golden\u202eevil', 'golden\\u202eevil'],
    ['a byte order mark', '\ufeffname', '\\ufeffname'],
    ['a bidi isolate', 'a\u2067b\u2069', 'a\\u2067b\\u2069']
  ])('%s is shown escaped in the log and in the summary', (_what, text, shown) => {
    expect(neutralize(text)).toBe(shown)
    expect(escapeHtml(text)).toBe(shown)
    // Still idempotent.
    expect(neutralize(neutralize(text))).toBe(shown)
  })
})
