/** Runs the bundled action the way a runner does: `node dist/index.js` with INPUT_* variables. */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export const ACTION_ENTRY = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
/** The Node that runs the action: this one, or ACTION_NODE (CI sets it to Node 24, what runners use). */
const ACTION_NODE = process.env.ACTION_NODE || process.execPath

interface ActionMetadata {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

/** action.yml: what the runner reads to start the action. */
export const ACTION_METADATA = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
) as ActionMetadata

/**
 * The INPUT_* variables a runner sets: every input the workflow gives, and
 * the declared default of every other input that has one.
 */
export function inputVariables(inputs: Record<string, string>): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const [name, { default: value }] of Object.entries(ACTION_METADATA.inputs)) {
    if (value !== undefined) variables[inputVariable(name)] = String(value)
  }
  for (const [name, value] of Object.entries(inputs)) variables[inputVariable(name)] = value
  return variables
}

export interface ActionResult {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

/** The runner's name for an input: upper case, spaces to underscores, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Starts the action as a child process (asynchronously, so an emulator in
 * this process keeps answering). The environment is built from scratch: no
 * credentials or proxies leak in from the machine running the tests.
 */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionResult> {
  const dir = await mkdtemp(join(tmpdir(), 'share-blueprint-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo-org/golden-images',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    RUNNER_TEMP: dir,
    ...env,
    ...inputVariables(inputs)
  }
  try {
    const { exitCode, stdout, stderr } = await new Promise<{
      exitCode: number | null
      stdout: string
      stderr: string
    }>((resolve, reject) => {
      const child = spawn(ACTION_NODE, [ACTION_ENTRY], { env: childEnv })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolve({ exitCode: code, stdout, stderr }))
    })
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8')
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Reads a GITHUB_OUTPUT file as the runner does: the `name<<delimiter ...
 * delimiter` blocks @actions/core writes, and the `name=value` lines of a
 * script's `echo`.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const entry = /^([^\n<=]+)<<(\S+)\n([\s\S]*?)\n\2$|^([^\n<=]+)=(.*)$/gm
  for (const [, name, , block, lineName, line] of text.matchAll(entry)) {
    if (name) outputs[name] = block
    else outputs[lineName] = line
  }
  return outputs
}

/** The message core.setFailed printed, as its ::error:: line. */
export function errorLine(result: ActionResult): string {
  return result.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? ''
}

/** A list output, parsed. */
export function listOutput(result: ActionResult, name: string): unknown {
  return JSON.parse(result.outputs[name] ?? 'null')
}

/** An output that is an object (by region, by image), parsed. */
export const objectOutput = <T = Record<string, string[]>>(result: ActionResult, name: string) =>
  JSON.parse(result.outputs[name] ?? 'null') as T
