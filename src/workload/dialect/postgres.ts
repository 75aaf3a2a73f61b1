/** PostgreSQL's workload dialect (see types.ts). */
import type {WorkloadDialect} from './types.js'

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast'])

export const postgresWorkload: WorkloadDialect = {
  lex: {
    dashCommentNeedsSpace: false,
    hashComments: false,
    nestedBlockComments: true,
    // standard_conforming_strings is on by default since 9.1: only E'…' strings take escapes.
    backslashEscapes: false,
    escapeStrings: true,
    dollarQuotes: true,
    doubleQuotedStrings: false,
  },
  async loadAnalyzer() {
    // The real parser (libpg-query, WASM); one parse gives the tables and the parse tree's fingerprint.
    const {analyzePgShape, initPgParser} = await import('../analyze-pg.js')
    await initPgParser()
    return (sql) => analyzePgShape(sql)
  },
  isSystemRelation(schema, relation) {
    // Unqualified pg_* names resolve to pg_catalog first (it is implicitly first on the search_path).
    if (schema === undefined) return relation.startsWith('pg_')
    return SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_toast')
  },
  defaultSchemaPrefix: () => 'public.',
  // Bare names resolve on the search_path, the same for every session of an application.
  shapesPerDatabase: false,
  tableName: (t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`),
  async logLinePrefix(conn) {
    // PGlite writes no server log.
    if (conn.flavor !== 'postgresql') return undefined
    return (await conn.query<{p: string}>(`select current_setting('log_line_prefix') as p`))[0]?.p
  },
}
