/**
 * The inputs of a check that come from files: the boundaries (carve.yml, or an example's own),
 * a catalog JSON (so CI needs no database), and the validation a check adds on top of the
 * boundaries schema: every exception must name a table Carve knows.
 */
import {accessSync, constants, existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {z} from 'zod'

import {exampleBoundaries} from '../boundaries/example-contexts.js'
import {lineIn, type LoadedBoundaries, readBoundaries, yamlPositions} from '../boundaries/file.js'
import {exampleDir} from '../db/examples.js'
import {CarveError, EXIT} from '../errors.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog} from '../introspect/model.js'
import {ownership} from './ownership.js'

/** `path` is the file findings point into: carve.yml, or the example's contexts.yml. */
export type {LoadedBoundaries} from '../boundaries/file.js'

/** --file, else ./carve.yml, else (with --example) the example's carve.yml or its designed contexts. */
export function resolveBoundaries(file: string | undefined, example: string | undefined): LoadedBoundaries {
  const path = file ?? 'carve.yml'
  if (existsSync(path) || file !== undefined || !example) {
    if (!existsSync(path)) {
      throw new CarveError('usage.boundaries-missing', `boundaries file ${path} not found`, {exitCode: EXIT.usage, hint: 'write one with `carve discover --yes`, or name it with --file'})
    }
    return nonEmpty(readBoundaries(path))
  }
  const dir = exampleDir(example)
  const own = join(dir, 'carve.yml')
  if (existsSync(own)) return nonEmpty(readBoundaries(own))
  const designed = exampleBoundaries(dir)
  if (!designed) throw new CarveError('usage.boundaries-missing', `example ${example} has no boundaries (carve.yml or contexts.yml)`, {exitCode: EXIT.usage})
  // The designers' contexts.yml is translated, not a boundaries file: its positions are read
  // here so findings still point at its lines.
  const path_ = join(dir, 'contexts.yml')
  return {file: designed, path: path_, positions: yamlPositions(readFileSync(path_, 'utf8'))}
}

function nonEmpty(b: LoadedBoundaries): LoadedBoundaries {
  if (b.file.contexts.length === 0) throw new CarveError('usage.boundaries-empty', `${b.path} has no contexts`, {exitCode: EXIT.usage, hint: 'decide them with `carve discover`'})
  return b
}

// Only what a check reads is validated: a catalog from another Carve version still works.
const catalogShape = z.object({
  format: z.literal('carve.catalog/v1'),
  database: z.object({engine: z.enum(['postgres', 'mysql']), name: z.string()}).passthrough(),
  schemas: z.array(z.string()),
  tables: z.array(z.object({schema: z.string(), name: z.string(), foreignKeys: z.array(z.object({name: z.string(), refSchema: z.string(), refTable: z.string()}).passthrough())}).passthrough()),
}).passthrough()

export function readCatalogFile(path: string): Catalog {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CarveError('usage.catalog', `cannot use ${path} as a catalog: ${code ?? (error as Error).message}`, {exitCode: EXIT.usage, hint: 'write one with carve inspect --out catalog.json'})
  }
  const parsed = catalogShape.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CarveError('usage.catalog', `${path} is not a Carve catalog: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, {exitCode: EXIT.usage, hint: 'write one with carve inspect --out catalog.json'})
  }
  // The document as written, not zod's copy: key order is part of the catalog's hash in plan.yml.
  return data as Catalog
}

/** Every log must be readable before anything is ingested: a typo is a usage error, not a finding. */
export function assertReadable(files: string[]): void {
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new CarveError('usage.log', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}`, {exitCode: EXIT.usage})
    }
  }
}

/**
 * An exception naming a table that is in no context and not in the database is a typo that
 * would silently never match: a usage error naming its line.
 */
export function assertExceptionTables(b: LoadedBoundaries, catalog: Catalog | null): void {
  const own = ownership(b.file)
  const keyOf = catalog ? tableKeyer(catalog) : null
  const present = new Set(catalog ? catalog.tables.map((t) => own.keyOf(keyOf!(t.schema, t.name))) : [])
  b.file.exceptions.forEach((e, i) => {
    if (own.contextOf(e.table) || present.has(own.keyOf(e.table))) return
    const line = lineIn(b, ['exceptions', i, 'table'])
    throw new CarveError('usage.unknown-table', `${b.path}${line ? `:${line}` : ''}: exceptions.${i}.table: unknown table "${e.table}" (in no context${catalog ? ' and not in the database' : ''})`, {
      exitCode: EXIT.usage,
      hint: 'name a table of one of the contexts',
    })
  })
}
