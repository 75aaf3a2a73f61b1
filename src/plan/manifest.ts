/**
 * plan.yml as text: parsing with line-numbered errors, and the checksums that guard every file.
 * The writer (`carve plan`, `--rehash`) and the executor (`carve apply` …) both read through here.
 */
import {createHash} from 'node:crypto'

import {LineCounter, parseDocument} from 'yaml'
import {z} from 'zod'

import {CarveError, EXIT} from '../errors.js'
import {lineOfPath} from '../yaml-lines.js'
import {type PlanManifest, planSchema} from './model.js'

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/** plan.yml text → validated manifest; errors say file:line: field: problem (exit 2). */
export function parseManifest(path: string, text: string, hint?: string): PlanManifest {
  const lines = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false})
  if (doc.errors.length) {
    const e = doc.errors[0]!
    const at = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined)
    throw new CarveError('plan.yaml', `${path}${at ? `:${at.line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`, {exitCode: EXIT.usage, hint})
  }
  const result = planSchema.safeParse(doc.toJS() ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const line = lineOfPath(doc, lines, issue.path)
    const more = result.error.issues.length - 1
    const extra = more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''
    throw new CarveError('plan.invalid', `${path}${line ? `:${line}` : ''}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}${extra}`, {exitCode: EXIT.usage, hint})
  }
  return result.data
}

/**
 * The JSON Schema of plan.yml, derived from the zod schema that validates it (so editors check
 * and complete it with the same rules; cross-step rules stay zod refinements). Written beside
 * every plan.yml as plan.schema.json.
 */
export function planJsonSchema(): Record<string, unknown> {
  // io 'input': what a person may write (fields with defaults are optional there).
  const generated = z.toJSONSchema(planSchema, {io: 'input', unrepresentable: 'any', target: 'draft-2020-12'}) as Record<string, unknown>
  return {...generated, title: 'Carve migration plan manifest (plan.yml)', description: 'Validated by Carve with the same rules; generate with `carve schema plan.yml`.'}
}
