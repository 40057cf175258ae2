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

test('every module is in a layer, and no import runs up one', () => {
  const entries = readdirSync(src, { withFileTypes: true })
  expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual(['index.ts'])
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name)
  expect(folders.filter((name) => !LAYERS.includes(name))).toEqual([])
  const upward = folders.flatMap((folder) =>
    readdirSync(new URL(`${folder}/`, src)).flatMap((file) =>
      [
        ...readFileSync(new URL(`${folder}/${file}`, src), 'utf8').matchAll(
          /from '\.\.\/([a-z]+)\//g
        )
      ]
        .filter(([, target]) => LAYERS.indexOf(target) > LAYERS.indexOf(folder))
        .map(([, target]) => `${folder}/${file} imports from ${target}/`)
    )
  )
  expect(upward).toEqual([])
})

test('index.ts only calls run()', () => {
  expect(readFileSync(new URL('index.ts', src), 'utf8').trim()).toBe(
    "import { run } from './action/main.js'\n\nawait run()"
  )
})
