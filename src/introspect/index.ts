import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import {deriveFlags, inferReferences} from './derive.js'
import type {CatalogReader, InspectOptions} from './driver.js'
import {type Catalog, CATALOG_FORMAT, type RelationRef} from './model.js'

export type {InspectOptions} from './driver.js'

/** Readers are imported on demand: the MySQL one pulls in node-sql-parser (~0.3 s to import). */
const READERS: Record<Connection['engine'], () => Promise<CatalogReader>> = {
  postgres: async () => (await import('./postgres.js')).readPostgresCatalog,
  mysql: async () => (await import('./mysql.js')).readMysqlCatalog,
}

const byRef = (a: RelationRef, b: RelationRef) =>
  a.schema === b.schema ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.schema < b.schema ? -1 : 1

/**
 * Read the whole catalog of a database: one driver call, then derived facts.
 * Output order is stable (schema, name) so catalogs diff cleanly.
 */
export async function inspect(conn: Connection, options: InspectOptions = {}): Promise<Catalog> {
  const read = await READERS[conn.engine]()
  const started = performance.now()
  const queriesBefore = conn.queryCount
  let raw
  try {
    raw = await read(conn, options)
  } catch (error) {
    if (error instanceof CarveError) throw error
    throw catalogError(error, conn)
  }
  const tables = raw.tables.map(deriveFlags).sort(byRef)
  return {
    format: CATALOG_FORMAT,
    ...raw,
    tables,
    views: [...raw.views].sort(byRef),
    functions: [...raw.functions].sort(byRef),
    sequences: [...raw.sequences].sort(byRef),
    enums: [...raw.enums].sort(byRef),
    inferredReferences: inferReferences(tables),
    stats: {catalogQueries: conn.queryCount - queriesBefore, elapsedMs: Math.round(performance.now() - started)},
  }
}

/** An empty database is almost always the wrong database: say so instead of printing nothing. */
export function assertNotEmpty(catalog: Catalog, target: string): void {
  if (catalog.tables.length > 0) return
  const where = catalog.schemas.length ? `schema${catalog.schemas.length > 1 ? 's' : ''} ${catalog.schemas.join(', ')}` : 'any schema'
  throw new CarveError('inspect.empty', `no tables found in ${where} of ${target}`, {
    hint: 'check the database name in the URL (and --schema); to try Carve without a database use --example shop',
  })
}

function catalogError(error: unknown, conn: Connection): CarveError {
  const e = error as {code?: string | number; errno?: number; message?: string}
  if (e.code === '42501' || e.errno === 1142 || e.errno === 1044) {
    return new CarveError('db.permission', `reading the catalog of ${conn.label} was refused: ${e.message}`, {
      hint: 'Carve needs read access to pg_catalog / information_schema; connect as the database owner or a user with USAGE on the schemas',
      cause: error,
    })
  }
  return new CarveError('inspect.failed', `reading the catalog of ${conn.label} failed: ${e.message ?? String(error)}`, {cause: error})
}
