/**
 * The live-database facts the maturity assessment evaluates (assess.ts): the catalog, the
 * ownership registry, who holds write privileges on what, whether each owner role can write its
 * tables, and the executor's ledger of physical splits. A fixed handful of queries per database,
 * whatever the number of tables. Each engine reads them its own way (dialect/postgres.ts,
 * dialect/mysql.ts); this module decides which databases to read and what to probe.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {Connection} from '../db/connection.js'
import {DEFAULT_CONVENTIONS, type PlanConventions, safeName, schemaName} from '../plan/context.js'
import type {AssessmentFacts, DatabaseFacts} from './assess-model.js'
import {resolveLocated, retiredSchema, splitOf} from './assess.js'
import {assessDialect, type Probe} from './dialect/index.js'

export interface GatherOptions {
  boundaries: BoundariesFile
  conventions?: Partial<PlanConventions>
  /**
   * Open another database on the same server: a split context's tables are checked where they
   * went. Absent (PGlite, one database) → those checks say the target could not be read.
   */
  connectDatabase?: (name: string) => Promise<Connection>
  onProgress?: (message: string) => void
}

export async function gatherAssessmentFacts(conn: Connection, options: GatherOptions): Promise<AssessmentFacts> {
  const conventions = {...DEFAULT_CONVENTIONS, ...options.conventions}
  options.onProgress?.('reading the catalog, the ownership registry, privileges and the ledger')
  const here = await readDatabaseFacts(conn, options.boundaries, conventions)
  const targets: AssessmentFacts['targets'] = {}
  for (const c of options.boundaries.contexts) {
    const cut = splitOf(here, c.name)
    if (!cut) continue
    // The split step names the target in its checkpoint; older ledgers only by the plan's
    // convention (`<source database>_<context schema>`).
    const database = cut.targetDatabase ?? safeName(`${conn.database}_${schemaName(c.name)}`)
    if (!options.connectDatabase) {
      targets[c.name] = {database, facts: null, error: `${conn.flavor} cannot open another database`}
      continue
    }
    options.onProgress?.(`reading ${database}, where ${c.name} was split to`)
    let other: Connection | undefined
    try {
      other = await options.connectDatabase(database)
      targets[c.name] = {database, facts: await readDatabaseFacts(other, options.boundaries, conventions), error: null}
    } catch (error) {
      targets[c.name] = {database, facts: null, error: (error as Error).message}
    } finally {
      await other?.close()
    }
  }
  return {here, targets}
}

/** Roles whose write ability matters: each context's owner role, on each of its live tables. */
function probes(catalog: DatabaseFacts['catalog'], boundaries: BoundariesFile, conventions: PlanConventions): Probe[] {
  const located = resolveLocated(catalog, boundaries, null, {name: 'assess', conventions})
  const out: Probe[] = []
  for (const spec of located.input.contexts) for (const t of spec.tables) out.push({role: spec.role, schema: t.table.schema, name: t.table.name})
  return out
}

export async function readDatabaseFacts(conn: Connection, boundaries: BoundariesFile, conventions: PlanConventions): Promise<DatabaseFacts> {
  return assessDialect(conn.engine).readFacts(conn, {
    conventions,
    namespaces: [...boundaries.contexts.map((c) => schemaName(c.name)), retiredSchema(conventions)],
    probes: (catalog) => probes(catalog, boundaries, conventions),
  })
}
