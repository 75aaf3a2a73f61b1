/**
 * The boundaries file (carve.yml): the team's decisions, in their repository, edited by hand or
 * by `carve discover`. Validated with a schema whose errors name the line and the field.
 */
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {type Document, LineCounter, parseDocument, stringify} from 'yaml'
import {z} from 'zod'

import {CarveError, EXIT} from '../errors.js'
import {lineOfPath} from '../yaml-lines.js'
import type {Proposal} from './model.js'
import {reservedNameProblem} from './scope.js'

const name = z.string().min(1).regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes (kebab-case)')
// Names a context can never take, whatever the database (its roles are checked with a connection).
const contextName = name.superRefine((value, ctx) => {
  const problem = reservedNameProblem(value)
  if (problem) ctx.addIssue({code: 'custom', message: problem})
})
const isoDate = z.string().regex(/^\d{4}-\d\d-\d\d$/, 'use a date like 2027-03-31')

export const boundariesSchema = z
  .object({
    version: z.literal(1),
    contexts: z
      .array(
        z
          .object({
            name: contextName,
            owner: z.string().min(1).nullable().default(null),
            description: z.string().default(''),
            tables: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    /** table → context: never moved by re-clustering. */
    pins: z.record(z.string(), name).default({}),
    /** Contexts a person reviewed and accepted in the session (kept so a new session shows them). */
    reviewed: z.array(name).optional(),
    /** table → classification; owned is the default for tables in a context. */
    classifications: z.record(z.string(), z.enum(['owned', 'shared-reference', 'deprecated'])).default({}),
    exceptions: z
      .array(
        z
          .object({
            consumer: z.string().min(1),
            table: z.string().min(1),
            access: z.enum(['read', 'write']),
            approved_by: z.string().min(1),
            expires: isoDate,
            exit_plan: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>()
    file.contexts.forEach((c, i) => {
      if (file.contexts.findIndex((o) => o.name === c.name) !== i) ctx.addIssue({code: 'custom', path: ['contexts', i, 'name'], message: `context "${c.name}" is defined twice`})
      c.tables.forEach((t, j) => {
        if (seen.has(t)) ctx.addIssue({code: 'custom', path: ['contexts', i, 'tables', j], message: `table "${t}" is already in context "${seen.get(t)}"`})
        seen.set(t, c.name)
      })
    })
    const names = new Set(file.contexts.map((c) => c.name))
    for (const [table, context] of Object.entries(file.pins)) {
      if (!names.has(context)) ctx.addIssue({code: 'custom', path: ['pins', table], message: `pinned to "${context}", which is not a context in this file`})
    }
    file.reviewed?.forEach((context, i) => {
      if (!names.has(context)) ctx.addIssue({code: 'custom', path: ['reviewed', i], message: `"${context}" is not a context in this file`})
    })
  })

export type BoundariesFile = z.infer<typeof boundariesSchema>

export function emptyBoundaries(): BoundariesFile {
  return {version: 1, contexts: [], pins: {}, classifications: {}, exceptions: []}
}

/** Where each node of a YAML file was written: the parsed document (with node ranges) and its line counter. */
export interface YamlPositions {
  doc: Document
  lines: LineCounter
}

/**
 * A boundaries file as read: its content, the file it came from, and where each of its nodes is
 * written (absent when it was not read from a YAML file: a missing file, defaults). The file is
 * read and parsed once; whatever later names a line of it (a mismatch with the database, an
 * unknown exception table, a check finding) looks it up here.
 */
export interface LoadedBoundaries {
  file: BoundariesFile
  path: string
  positions?: YamlPositions
}

/** Parse YAML text keeping node positions. */
export function yamlPositions(text: string): YamlPositions {
  const lines = new LineCounter()
  return {doc: parseDocument(text, {lineCounter: lines, prettyErrors: false}), lines}
}

/** The line of the node at `path` (or of its nearest parent) in a loaded file; undefined without positions. */
export function lineIn(loaded: LoadedBoundaries, path: readonly PropertyKey[]): number | undefined {
  return loaded.positions ? lineOfPath(loaded.positions.doc, loaded.positions.lines, path) : undefined
}

/** Read and validate; a missing file is an empty one. Errors say file:line: field: problem. */
export function readBoundaries(path: string): LoadedBoundaries {
  if (!existsSync(path)) return {file: emptyBoundaries(), path}
  const positions = yamlPositions(readFileSync(path, 'utf8'))
  const {doc, lines} = positions
  if (doc.errors.length) {
    const e = doc.errors[0]!
    const at = e.linePos?.[0]
    throw new CarveError('boundaries.yaml', `${path}${at ? `:${at.line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`, {exitCode: EXIT.usage})
  }
  const result = boundariesSchema.safeParse(doc.toJS() ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const path_ = issue.path.map(String)
    const line = lineOfPath(doc, lines, issue.path)
    throw new CarveError('boundaries.invalid', `${path}${line ? `:${line}` : ''}: ${path_.join('.') || '(top level)'}: ${issue.message}`, {
      exitCode: EXIT.usage,
      hint: 'see `carve discover --help` for the file format',
    })
  }
  return {file: result.data, path, positions}
}

/** The content of `readBoundaries(path)`, for callers that name no line of it. */
export function loadBoundaries(path: string): BoundariesFile {
  return readBoundaries(path).file
}

/**
 * The JSON Schema of the boundaries file, derived from the zod schema that validates it (so
 * editors check and complete it with the same rules; cross-field rules stay zod refinements).
 * Written beside every carve.yml Carve saves, as carve.schema.json.
 */
export function boundariesJsonSchema(): Record<string, unknown> {
  // io 'input': what a person may write (fields with defaults are optional there).
  const generated = z.toJSONSchema(boundariesSchema, {io: 'input', unrepresentable: 'any', target: 'draft-2020-12'}) as Record<string, unknown>
  return {...generated, title: 'Carve boundaries file (carve.yml)', description: 'Validated by Carve with the same rules; generate with `carve schema carve.yml`.'}
}

export const BOUNDARIES_SCHEMA = 'carve.schema.json'

// The first line points editors using the YAML language server at the schema Carve writes beside
// the file: a relative path works offline and in any clone, with no node_modules path to guess.
// To YAML it is a comment: loading ignores it.
const HEADER = `# yaml-language-server: $schema=./${BOUNDARIES_SCHEMA}
# Carve boundaries: the bounded contexts this team decided on, who owns them, and the
# exceptions it accepted. Edit by hand or with \`carve discover\`; re-running discovery respects
# it (pinned tables never move) and shows what it would change.
`

/** Write atomically (temp file + rename): an interrupted save never leaves half a file. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, path)
}

/** The file, and carve.schema.json beside it (rewritten only when it differs) for the header's reference. */
export function saveBoundaries(path: string, file: BoundariesFile): void {
  const body = stringify(file, {lineWidth: 120, flowCollectionPadding: false, collectionStyle: 'any'})
  writeAtomically(path, HEADER + body)
  const schemaPath = join(dirname(path), BOUNDARIES_SCHEMA)
  const schema = JSON.stringify(boundariesJsonSchema(), null, 2) + '\n'
  if (!existsSync(schemaPath) || readFileSync(schemaPath, 'utf8') !== schema) writeAtomically(schemaPath, schema)
}

/**
 * The file's decisions as inputs to discovery: pins (explicit ones win), the owners people set
 * (a null owner is no decision: discovery may still propose one) and where each table was, so
 * re-clustering keeps the file's names and pinned contexts keep their tables.
 */
export function decisionsFrom(file: BoundariesFile): {pins: Map<string, string>; owners: Map<string, string>; previous: Map<string, string>} {
  const pins = new Map(Object.entries(file.pins))
  const owners = new Map(file.contexts.filter((c) => c.owner).map((c) => [c.name, c.owner!]))
  const previous = new Map(file.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  return {pins, owners, previous}
}

/**
 * The proposal as the file would record it. The file's descriptions, exceptions, reviewed marks
 * (of contexts still there) and classifications are kept; tables the file did not know yet are
 * classified from the proposal (deprecated, shared reference data).
 */
export function boundariesFromProposal(proposal: Proposal, previous: BoundariesFile): BoundariesFile {
  const known = new Set(previous.contexts.flatMap((c) => c.tables))
  const tables = new Set(proposal.contexts.flatMap((c) => c.tables))
  const classifications: BoundariesFile['classifications'] = Object.fromEntries(Object.entries(previous.classifications).filter(([t]) => tables.has(t) || !known.has(t)))
  for (const t of proposal.tables) {
    if (known.has(t.table) || classifications[t.table]) continue
    if (t.deprecated) classifications[t.table] = 'deprecated'
    else if (t.reference) classifications[t.table] = 'shared-reference'
  }
  const names = new Set(proposal.contexts.map((c) => c.name))
  const reviewed = (previous.reviewed ?? []).filter((r) => names.has(r))
  // The file's order of contexts and of their tables is kept (new ones after): a re-run that
  // changes nothing rewrites nothing, and one that does shows as a small diff in review.
  const before = new Map(previous.contexts.map((c, i) => [c.name, {c, i}]))
  const rank = (name: string) => before.get(name)?.i ?? Number.MAX_SAFE_INTEGER
  const ordered = proposal.contexts.map((c, i) => ({c, i})).sort((a, b) => rank(a.c.name) - rank(b.c.name) || a.i - b.i).map((x) => x.c)
  const tablesOf = (name: string, tables: string[]) => {
    const old = before.get(name)?.c.tables ?? []
    const now = new Set(tables)
    const kept = old.filter((t) => now.has(t))
    const keptSet = new Set(kept)
    return [...kept, ...tables.filter((t) => !keptSet.has(t))]
  }
  return {
    version: 1,
    contexts: ordered.map((c) => ({name: c.name, owner: c.owner, description: before.has(c.name) ? before.get(c.name)!.c.description : c.description, tables: tablesOf(c.name, c.tables)})),
    pins: previous.pins,
    ...(reviewed.length ? {reviewed} : {}),
    classifications: Object.fromEntries(Object.entries(classifications).sort(([a], [b]) => (a < b ? -1 : 1))),
    exceptions: previous.exceptions,
  }
}

/** Whether two files say the same (table order inside a context and key order aside). */
export function sameBoundaries(a: BoundariesFile, b: BoundariesFile): boolean {
  const norm = (f: BoundariesFile) => canonical({...f, contexts: f.contexts.map((c) => ({...c, tables: [...c.tables].sort()})), reviewed: [...(f.reviewed ?? [])].sort()})
  return norm(a) === norm(b)
}

/** JSON with object keys sorted, to compare files regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v))
}

export interface BoundariesChange {
  table: string
  from: string | null
  to: string | null
}

/** What adopting `next` would change in `previous`: tables that move, appear or disappear. */
export function diffBoundaries(previous: BoundariesFile, next: BoundariesFile): BoundariesChange[] {
  const before = new Map(previous.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  const after = new Map(next.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  const tables = [...new Set([...before.keys(), ...after.keys()])].sort()
  return tables
    .filter((t) => before.get(t) !== after.get(t))
    .map((t) => ({table: t, from: before.get(t) ?? null, to: after.get(t) ?? null}))
}

/**
 * Give proposed contexts the names the file already uses: each file context claims the proposed
 * context sharing most of its tables (greedy by overlap), so a re-run does not rename everything.
 */
export function keepNames(proposal: Proposal, previous: BoundariesFile): Proposal {
  const pairs: {proposed: number; name: string; overlap: number}[] = []
  proposal.contexts.forEach((c, i) => {
    const tables = new Set(c.tables)
    for (const p of previous.contexts) {
      const overlap = p.tables.filter((t) => tables.has(t)).length
      if (overlap) pairs.push({proposed: i, name: p.name, overlap})
    }
  })
  pairs.sort((a, b) => b.overlap - a.overlap || (a.name < b.name ? -1 : 1))
  const taken = new Set<number>()
  const used = new Set<string>()
  const renamed = proposal.contexts.map((c) => ({...c}))
  // A context holding pinned tables carries the person's name: nothing may take it over (the
  // automatic group of deprecated tables is no person's pin).
  const deprecated = new Set((proposal.tables ?? []).filter((t) => t.deprecated).map((t) => t.table))
  proposal.contexts.forEach((c, i) => {
    if (!(c.pinned ?? []).some((t) => !deprecated.has(t))) return
    taken.add(i)
    used.add(c.name)
  })
  for (const p of pairs) {
    if (taken.has(p.proposed) || used.has(p.name)) continue
    taken.add(p.proposed)
    used.add(p.name)
    renamed[p.proposed]!.name = p.name
  }
  // Keep the remaining generated names unique against the file's names.
  for (const [i, c] of renamed.entries()) {
    if (taken.has(i)) continue
    let n = c.name
    for (let k = 2; used.has(n); k++) n = `${c.name}-${k}`
    c.name = n
    used.add(n)
  }
  const rename = new Map(proposal.contexts.map((c, i) => [c.name, renamed[i]!.name]))
  return {
    ...proposal,
    contexts: renamed,
    tables: proposal.tables.map((t) => ({...t, context: rename.get(t.context) ?? t.context})),
    couplings: proposal.couplings.map((c) => ({...c, from: rename.get(c.from) ?? c.from, to: rename.get(c.to) ?? c.to})),
  }
}

