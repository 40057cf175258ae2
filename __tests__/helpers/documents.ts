/** The documents users read: the README and the guides under docs/, each with its text. */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Document {
  /** The path from the project's root, e.g. `docs/copies.md`. */
  where: string
  text: string
}

export function userDocuments(root: URL): Document[] {
  const dir = fileURLToPath(root)
  const guides = readdirSync(join(dir, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...guides].map((where) => ({
    where,
    text: readFileSync(join(dir, where), 'utf8')
  }))
}
