/**
 * Every `tccli <service> <Action> --Param …` command that src/ can print or
 * the README and the guides show, with the parameters it gives. A command in
 * src/ is read up to the end of its template or string; in a document, with its
 * continuation lines (a trailing backslash, or a wrapped line that goes on
 * with --).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userDocuments } from './documents.js'
import { tsFilesUnder } from './files.js'

export interface TccliCommand {
  where: string
  service: string
  action: string
  given: string[]
}

const COMMAND =
  /tccli ([a-z]+) ([A-Z][a-z]+[A-Z]\w*)([^`'\n\\]*(?:(?:\\\n|\n\s*(?=--))[^`\n\\]*)*)/g

/** src/ templates join a command over lines with `' +`: the pieces are put back together first. */
const joined = (text: string) => text.replace(/` \+\n\s*`|' \+\n\s*'|` \+\n\s*'|' \+\n\s*`/g, '')

export function tccliCommands(root: URL): TccliCommand[] {
  const dir = fileURLToPath(root)
  const sources = [
    ...tsFilesUnder(join(dir, 'src')).map((file) => ({
      where: file.slice(dir.length),
      text: joined(readFileSync(file, 'utf8'))
    })),
    ...userDocuments(root)
  ]
  return sources.flatMap(({ where, text }) =>
    [...text.matchAll(COMMAND)].map(([, service, action, rest]) => ({
      where,
      service,
      action,
      given: [...rest.matchAll(/--(\w+)/g)].map(([, name]) => name)
    }))
  )
}
