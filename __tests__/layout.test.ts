/**
 * src/ is in layers, each folder importing only from itself and the ones
 * below: common (clock, log, text from outside, ID formats) < cloud (the API
 * clients and their errors) < sharing (plan, wait, share, copies) < action
 * (inputs, credentials, report, run()). index.ts only calls run().
 */
import { expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'

const LAYERS = ['common', 'cloud', 'sharing', 'action']
const src = new URL('../src/', import.meta.url)

test('no import runs up a layer, and every module is in a layer', () => {
  const upward: string[] = []
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      expect(entry.name).toBe('index.ts')
      continue
    }
    const layer = LAYERS.indexOf(entry.name)
    expect([entry.name, layer >= 0]).toEqual([entry.name, true])
    for (const file of readdirSync(new URL(`${entry.name}/`, src))) {
      const text = readFileSync(new URL(`${entry.name}/${file}`, src), 'utf8')
      for (const [, folder] of text.matchAll(/from '\.\.\/([a-z]+)\//g)) {
        if (LAYERS.indexOf(folder) > layer)
          upward.push(`${entry.name}/${file} imports from ${folder}/`)
      }
    }
  }
  expect(upward).toEqual([])
})

test('index.ts only calls run()', () => {
  expect(readFileSync(new URL('index.ts', src), 'utf8').trim()).toBe(
    "import { run } from './action/main.js'\n\nawait run()"
  )
})
