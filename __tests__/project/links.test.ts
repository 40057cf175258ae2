/**
 * Every link between the project's documents leads somewhere: the file exists,
 * and the heading it points to is in it (GitHub's anchors: lower case,
 * punctuation dropped, spaces as hyphens).
 */
import { expect, test } from '@jest/globals'
import { Parser, type Node } from 'commonmark'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userDocuments } from '../helpers/documents.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const documents = [
  ...userDocuments(new URL('../../', import.meta.url)).map(({ where }) => where),
  'CONTRIBUTING.md',
  'CHANGELOG.md'
]

/** Walks a document's tree, calling back for each node as it is entered. */
function visit(markdown: string, onEnter: (node: Node) => void): void {
  const walker = new Parser().parse(markdown).walker()
  for (let step = walker.next(); step; step = walker.next()) if (step.entering) onEnter(step.node)
}

function textOf(node: Node): string {
  let text = ''
  for (let child = node.firstChild; child; child = child.next) {
    text += child.literal ?? textOf(child)
  }
  return text
}

function anchorsOf(path: string): Set<string> {
  const anchors = new Set<string>()
  visit(readFileSync(join(root, path), 'utf8'), (node) => {
    if (node.type !== 'heading') return
    const slug = textOf(node)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-')
    anchors.add(slug)
  })
  return anchors
}

const links = documents.flatMap((where) => {
  const found: { where: string; target: string }[] = []
  visit(readFileSync(join(root, where), 'utf8'), (node) => {
    if (node.type === 'link' && node.destination && !/^[a-z]+:/.test(node.destination)) {
      found.push({ where, target: node.destination })
    }
  })
  return found
})

test('the documents link to each other', () => {
  expect(links.filter(({ target }) => target.includes('docs/')).length).toBeGreaterThan(10)
})

test('every link between documents names a file that exists and a heading in it', () => {
  const broken = links.filter(({ where, target }) => {
    const [path, anchor] = target.split('#')
    const file = path ? normalize(join(dirname(where), path)) : where
    if (!existsSync(join(root, file))) return true
    return anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)
  })
  expect(broken).toEqual([])
})
