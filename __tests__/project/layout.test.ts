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
import ts from 'typescript'
import { tsFilesUnder } from '../helpers/files.js'

const LAYERS = ['common', 'cloud', 'sharing', 'action']
const src = fileURLToPath(new URL('../../src/', import.meta.url))

const modulesIn = tsFilesUnder

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

/** Each module under src/ and the modules it imports (relative imports, type-only ones included). */
function importGraph(): Map<string, string[]> {
  return new Map(
    modulesIn(src).map((file) => [
      relative(src, file),
      [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map(([, target]) =>
        relative(src, resolve(dirname(file), `${target}.ts`))
      )
    ])
  )
}

/** A cycle through the graph, as the modules on it, or undefined. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>()
  const path: string[] = []
  const visit = (module: string): string[] | undefined => {
    const at = path.indexOf(module)
    if (at >= 0) return [...path.slice(at), module]
    if (done.has(module)) return undefined
    path.push(module)
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    done.add(module)
    return undefined
  }
  for (const module of graph.keys()) {
    const cycle = visit(module)
    if (cycle) return cycle
  }
  return undefined
}

test('no import cycle anywhere in src/', () => {
  const graph = importGraph()
  expect([...graph.values()].flat().length).toBeGreaterThan(100)
  expect(findCycle(graph)).toBeUndefined()
})

test('the cycle check finds a cycle', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']]
  ])
  expect(findCycle(graph)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts'])
})

test('main.ts only wires the steps: run() and steps(), no state, no rules of its own', () => {
  const main = readFileSync(join(src, 'action', 'main.ts'), 'utf8')
  const declared = [
    ...main.matchAll(/^(?:export )?(?:async )?(function|class|const|let|var) (\w+)/gm)
  ]
  expect(declared.map(([, kind, name]) => `${kind} ${name}`)).toEqual([
    'function run',
    'function steps'
  ])
  expect(main).not.toMatch(/\blet\b|\bif\b|\bfor\b|\bwhile\b|\?\s/)
})

/** The guide: a module a newcomer reads in one sitting, a function seen on one screen (give or take). */
const MAX_FILE_LINES = 350
const MAX_FUNCTION_LINES = 70

/** Every function in a file longer than `limit` lines, as "file:line name length". */
function longFunctions(file: string, text: string, limit: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const length = lineOf(node.getEnd()) - lineOf(node.getStart()) + 1
      const named =
        node.name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined)
      if (length > limit)
        found.push(
          `${file}:${lineOf(node.getStart())} ${named?.getText() ?? '(anonymous)'} ${length}`
        )
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

test(`no file in src/ over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`, () => {
  const modules = modulesIn(src).map((file) => ({
    file: relative(src, file),
    text: readFileSync(file, 'utf8')
  }))
  expect(
    modules.filter(({ text }) => text.split('\n').length > MAX_FILE_LINES).map((m) => m.file)
  ).toEqual([])
  expect(
    modules.flatMap(({ file, text }) => longFunctions(file, text, MAX_FUNCTION_LINES))
  ).toEqual([])
})

test('the size check sees a long function', () => {
  const body = Array.from({ length: 80 }, (_, i) => `  const v${i} = ${i}`).join('\n')
  expect(longFunctions('x.ts', `function long() {\n${body}\n}\n`, MAX_FUNCTION_LINES)).toEqual([
    'x.ts:1 long 82'
  ])
})
