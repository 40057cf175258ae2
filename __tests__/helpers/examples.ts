/**
 * The steps of the README's and the guides' examples that use this action,
 * and GitHub's own expression evaluator to resolve their `${{ }}` against
 * a context, as the runner would.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { parse } from 'yaml'
import { userDocuments } from './documents.js'

export type Value = string | boolean | null | { [key: string]: Value }

export interface ExampleStep {
  /** The document it is in, e.g. `docs/copies.md`. */
  where: string
  with: Record<string, string>
  /** The steps after it in the same job (their `env` and `run`), as written. */
  after: { env?: Record<string, string>; run?: string }[]
  /** The `include` entries of its job's matrix, if it has one. */
  matrix: Record<string, string>[]
}

const THIS_ACTION = /^your-org\/lighthouse-share-blueprint-action@/

/** A YAML block, fragments included: its common indentation taken off. */
function parseBlock(block: string): unknown {
  const lines = block.split('\n')
  const indent = Math.min(...lines.filter(Boolean).map((line) => /^ */.exec(line)![0].length))
  return parse(lines.map((line) => line.slice(indent)).join('\n'))
}

interface Job {
  steps?: Record<string, unknown>[]
  strategy?: { matrix?: { include?: Record<string, string>[] } }
}

/** Every list of steps in a parsed block (a job's, or a fragment that is a list itself), with its job's matrix. */
function stepLists(
  node: unknown
): { steps: Record<string, unknown>[]; matrix: Record<string, string>[] }[] {
  if (Array.isArray(node)) return [{ steps: node as Record<string, unknown>[], matrix: [] }]
  if (!node || typeof node !== 'object') return []
  const jobs = Object.values((node as { jobs?: Record<string, Job> }).jobs ?? {})
  return jobs.flatMap((job) =>
    job.steps ? [{ steps: job.steps, matrix: job.strategy?.matrix?.include ?? [] }] : []
  )
}

export function exampleSteps(root: URL): ExampleStep[] {
  return userDocuments(root).flatMap(({ where, text }) =>
    [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .flatMap(([, block]) => stepLists(parseBlock(block)))
      .flatMap(({ steps, matrix }) =>
        steps.flatMap((step, i) =>
          typeof step.uses === 'string' && THIS_ACTION.test(step.uses)
            ? [
                {
                  where,
                  // The runner passes every input as a string: `2` and `true` included.
                  with: Object.fromEntries(
                    Object.entries(step.with as Record<string, unknown>).map(([name, value]) => [
                      name,
                      String(value as string | number | boolean)
                    ])
                  ),
                  after: steps.slice(i + 1),
                  matrix
                }
              ]
            : []
        )
      )
  )
}

const toData = (value: Value): data.ExpressionData =>
  typeof value === 'string'
    ? new data.StringData(value)
    : typeof value === 'boolean'
      ? new data.BooleanData(value)
      : value === null
        ? new data.Null()
        : new data.Dictionary(
            ...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) }))
          )

/**
 * The status functions a step's `if:` may call, for a job whose steps so far
 * all succeeded (or not).
 */
export function statusFunctions(succeeded = true): Map<string, FunctionDefinition> {
  const results: Record<string, boolean> = {
    always: true,
    success: succeeded,
    failure: !succeeded,
    cancelled: false
  }
  return new Map(
    Object.entries(results).map(([name, result]) => [
      name,
      { name, description: name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(result) }
    ])
  )
}

/** One expression's value, with GitHub's evaluator; `functions` are the status functions a condition may call. */
export function evaluate(
  expression: string,
  context: Record<string, Value>,
  functions = new Map<string, FunctionDefinition>()
): data.ExpressionData {
  const { tokens } = new Lexer(expression).lex()
  const parsed = new Parser(tokens, Object.keys(context), [...functions.values()]).parse()
  return new Evaluator(parsed, toData(context) as data.Dictionary, functions).evaluate()
}

/** A text with its `${{ }}` replaced by their values as strings, as the runner passes inputs. */
export function interpolate(text: string, context: Record<string, Value>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    const result = evaluate(expression.trim(), context)
    const { value } = result as { value?: string | number | boolean | null }
    return value === undefined || value === null ? '' : String(value)
  })
}

/** Each of a step's values (its `with:` or `env:`) interpolated. */
export function interpolateAll(
  values: Record<string, string> = {},
  context: Record<string, Value>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, interpolate(String(value), context)])
  )
}
