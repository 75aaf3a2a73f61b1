/**
 * An example's designed contexts (examples/<name>/contexts.yml) as a boundaries file, so the
 * stages after discovery (plan, assess) run on `--example shop` before anyone wrote a carve.yml.
 *
 * contexts.yml is the designers' answer sheet, not a boundaries file: besides `contexts` it has a
 * `shared_reference` block (code lists every service reads, owned by a platform service) and a
 * `deprecated` list. Both become contexts of their own, with their tables classified, which is
 * how a team would record them in carve.yml.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'
import {z} from 'zod'

import {CarveError} from '../errors.js'
import {type BoundariesFile, boundariesSchema, loadBoundaries} from './file.js'

const designSchema = z.object({
  contexts: z
    .array(z.object({name: z.string(), owner: z.string().nullable().optional(), description: z.string().optional(), tables: z.array(z.string()).default([])}))
    .default([]),
  shared_reference: z.object({owner: z.string().optional(), tables: z.array(z.string()).default([])}).nullable().optional(),
  deprecated: z.array(z.string()).nullable().optional(),
})

export const REFERENCE_CONTEXT = 'reference-data'
export const LEGACY_CONTEXT = 'legacy'

/** The example's committed boundaries file (examples/<name>/carve.yml), or null when it has none. */
export function exampleBoundariesPath(exampleDir: string): string | null {
  const path = join(exampleDir, 'carve.yml')
  return existsSync(path) ? path : null
}

/**
 * The example's boundaries: its committed carve.yml (what a team would have in its repository,
 * and what plan and assess read for `--example`), else its contexts.yml translated; null when it
 * has neither.
 */
export function exampleBoundaries(exampleDir: string): BoundariesFile | null {
  const committed = exampleBoundariesPath(exampleDir)
  if (committed) return loadBoundaries(committed)
  return designedBoundaries(exampleDir)
}

/** The designers' contexts.yml as a validated BoundariesFile, or null when the example has none. */
export function designedBoundaries(exampleDir: string): BoundariesFile | null {
  const path = join(exampleDir, 'contexts.yml')
  if (!existsSync(path)) return null
  const parsed = designSchema.safeParse(parse(readFileSync(path, 'utf8')) ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CarveError('example.contexts', `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
  }
  const design = parsed.data
  const contexts: BoundariesFile['contexts'] = design.contexts.map((c) => ({
    name: c.name,
    owner: c.owner ?? null,
    description: c.description ?? '',
    tables: [...c.tables],
  }))
  const classifications: BoundariesFile['classifications'] = {}
  const reference = design.shared_reference?.tables ?? []
  if (reference.length) {
    contexts.push({
      name: REFERENCE_CONTEXT,
      owner: design.shared_reference?.owner ?? REFERENCE_CONTEXT,
      description: 'Shared reference data (code lists) read by every service.',
      tables: [...reference],
    })
    for (const t of reference) classifications[t] = 'shared-reference'
  }
  const deprecated = design.deprecated ?? []
  if (deprecated.length) {
    // The admin monolith is what still touches the legacy tables; it owns their retirement.
    contexts.push({name: LEGACY_CONTEXT, owner: 'admin', description: 'Deprecated tables, kept until they are retired.', tables: [...deprecated]})
    for (const t of deprecated) classifications[t] = 'deprecated'
  }
  const file = boundariesSchema.safeParse({
    version: 1,
    contexts,
    pins: {},
    classifications: Object.fromEntries(Object.entries(classifications).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    exceptions: [],
  })
  if (!file.success) {
    const issue = file.error.issues[0]!
    throw new CarveError('example.contexts', `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
  }
  return file.data
}
