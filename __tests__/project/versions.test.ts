/**
 * What is released is true everywhere: package.json, the CHANGELOG, the
 * README's release command and the "since" marks of action.yml agree.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { ACTION_METADATA } from '../helpers/run-action.js'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const version = (JSON.parse(read('package.json')) as { version: string }).version
const changelog = read('CHANGELOG.md')

/** The CHANGELOG's released sections, newest first, each with its text. */
const releases = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)].map(
  (match, i, all) => ({
    version: match[1],
    date: match[2],
    text: changelog.slice(match.index, all[i + 1]?.index ?? changelog.indexOf('\n[Unreleased]:'))
  })
)
const first = releases.at(-1)!
const sectionOf = (wanted: string) => releases.find((release) => release.version === wanted)

/** Every input and output, with the version its description says it came in ("Since X."). */
const entries = [
  ...Object.entries(ACTION_METADATA.inputs),
  ...Object.entries(ACTION_METADATA.outputs)
].map(([name, { description }]) => ({
  name,
  since: /Since (\d+\.\d+\.\d+)\.$/.exec(description.trim())?.[1]
}))

describe('the version being released', () => {
  test("is package.json's, with the newest dated CHANGELOG section and a link to compare", () => {
    expect(releases[0].version).toBe(version)
    expect(changelog).toContain(`\n[${version}]: `)
  })

  test('is the one the README says to release, with the one command of the release script', () => {
    const readme = read('README.md')
    expect(readme).toContain(`\`scripts/release.sh ${version} --push\``)
    expect(readme).toContain(`@v${version}`)
  })
})

describe('the "since" marks of action.yml', () => {
  test('name only released versions after the first', () => {
    const marked = entries.filter((entry) => entry.since)
    expect(marked.length).toBeGreaterThan(0)
    for (const { name, since } of marked) {
      expect({ name, since, released: sectionOf(since!) !== undefined }).toEqual({
        name,
        since,
        released: true
      })
      expect(since).not.toBe(first.version)
    }
  })

  test("are on every entry the first release's CHANGELOG does not name", () => {
    const unmarkedNotInFirst = entries
      .filter(({ since, name }) => !since && !new RegExp(`\`${name}[\`:]`).test(first.text))
      .map(({ name }) => name)
    expect(unmarkedNotInFirst).toEqual([])
  })

  test('name entries that the CHANGELOG section of that version names', () => {
    const missing = entries
      .filter(({ since, name }) => since && !sectionOf(since)!.text.includes(`\`${name}\``))
      .map(({ name }) => name)
    expect(missing).toEqual([])
  })
})
