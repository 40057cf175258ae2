/**
 * src/ is in layers, each folder importing only from itself and the ones
 * below: common (clock, log, text from outside, ID formats) < cloud (the API
 * clients and their errors) < sharing (plan, wait, share, copies, the
 * lifecycle) < action (inputs, credentials, report, run()). A layer may have
 * folders of its own; what counts is the layer an import lands in. index.ts
 * only calls run().
 */
import { expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const LAYERS = ['common', 'cloud', 'sharing', 'action']
const src = fileURLToPath(new URL('../src/', import.meta.url))

/** Every .ts file under a folder, at any depth. */
function modulesIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? modulesIn(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : []
  )
}

/** The layer a path under src/ is in: its first folder. */
const layerOf = (path: string) => relative(src, path).split(sep)[0]

test('every module is in a layer, and no import runs up one', () => {
  const entries = readdirSync(src, { withFileTypes: true })
  expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual(['index.ts'])
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name)
  expect(folders.filter((name) => !LAYERS.includes(name))).toEqual([])
  const upward = folders.flatMap((folder) =>
    modulesIn(join(src, folder)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)]
        .map(([, target]) => layerOf(resolve(dirname(file), target)))
        .filter((target) => LAYERS.indexOf(target) > LAYERS.indexOf(folder))
        .map((target) => `${relative(src, file)} imports from ${target}/`)
    )
  )
  expect(upward).toEqual([])
})

test('the check sees imports from nested folders', () => {
  const nested = modulesIn(join(src, 'sharing')).filter((file) => file.includes(`lifecycle${sep}`))
  expect(nested.length).toBeGreaterThan(0)
  const targets = nested.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map(([, target]) =>
      layerOf(resolve(dirname(file), target))
    )
  )
  expect(targets).toContain('cloud')
})

test('index.ts only calls run()', () => {
  expect(readFileSync(join(src, 'index.ts'), 'utf8').trim()).toBe(
    "import { run } from './action/main.js'\n\nawait run()"
  )
})
