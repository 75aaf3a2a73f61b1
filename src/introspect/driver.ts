import type {Connection} from '../db/connection.js'
import type {Catalog, Table} from './model.js'

/** What a driver reads from the server; derive.ts then adds flags and inferred references. */
export type RawTable = Omit<Table, 'flags'>
export type RawCatalog = Omit<Catalog, 'format' | 'tables' | 'inferredReferences' | 'stats'> & {tables: RawTable[]}

export interface InspectOptions {
  /**
   * Schemas to read. PostgreSQL default: every schema except pg_catalog, information_schema,
   * pg_toast*, pg_temp* and schemas owned by extensions. MySQL default: the connection's database.
   */
  schemas?: string[]
}

/**
 * One driver per engine, each with a constant number of catalog queries — never one per table
 * (the N+1 pattern is what makes other tools take hours on 10,000-table schemas).
 */
export type CatalogReader = (conn: Connection, options: InspectOptions) => Promise<RawCatalog>
