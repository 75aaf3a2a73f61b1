/**
 * The engines Carve reads and migrates, and the few facts about them every stage shares. A leaf:
 * the connection (db/), the catalog (introspect/) and every later stage name engines from here,
 * so no stage has to reach right to learn what an engine is.
 *
 * What differs per engine beyond these names lives in that concern's dialect modules (one object
 * per engine, picked once by engine): plan generation in `plan/dialects/`, the assessment's facts
 * and checks in `assess/dialect/`, the executor's in `db/dialect/`.
 */
import {CarveError} from '../errors.js'

export type Engine = 'postgres' | 'mysql'
/** The concrete server family: PGlite is PostgreSQL compiled to WASM, MariaDB is a MySQL fork. */
export type Flavor = 'postgresql' | 'pglite' | 'mysql' | 'mariadb'

export interface EngineNaming {
  /** How people name the engine in messages and generated documents. */
  label: string
  /** The namespace a context moves into: a schema on PostgreSQL, a database on MySQL/MariaDB. */
  namespace: 'schema' | 'database'
  /** The schema bare table names resolve to in a catalog read from `database`, with these schemas. */
  defaultSchema(database: string, schemas: readonly string[]): string
}

export const ENGINES: Readonly<Record<Engine, EngineNaming>> = {
  postgres: {
    label: 'PostgreSQL',
    namespace: 'schema',
    // search_path's usual `public`; a database without one but a single schema names tables bare there.
    defaultSchema: (_database, schemas) => (schemas.includes('public') ? 'public' : schemas.length === 1 ? schemas[0]! : 'public'),
  },
  mysql: {
    label: 'MySQL/MariaDB',
    namespace: 'database',
    // MySQL's schemas are databases: bare names are the connected database's tables.
    defaultSchema: (database) => database,
  },
}

/** The schema of a catalog whose tables are keyed by bare name (graph keys, boundaries files, workloads). */
export function defaultSchemaOf(catalog: {database: {engine: Engine; name: string}; schemas: readonly string[]}): string {
  return ENGINES[catalog.database.engine].defaultSchema(catalog.database.name, catalog.schemas)
}

/**
 * A feature of one engine only (pg_stat_statements, performance_schema digests, the examples'
 * PostgreSQL dumps): the error `refuse` makes when `conn` is another engine.
 */
export function requireEngine(conn: {engine: Engine}, engine: Engine, refuse: () => CarveError): void {
  if (conn.engine !== engine) throw refuse()
}
