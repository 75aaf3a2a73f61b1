/** MySQL's and MariaDB's workload dialect (see types.ts). */
import type {WorkloadDialect} from './types.js'

const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys'])

export const mysqlWorkload: WorkloadDialect = {
  lex: {
    dashCommentNeedsSpace: true,
    hashComments: true,
    nestedBlockComments: false,
    backslashEscapes: true,
    escapeStrings: false,
    dollarQuotes: false,
    // The default sql_mode (no ANSI_QUOTES).
    doubleQuotedStrings: true,
  },
  async loadAnalyzer() {
    // Loaded only for MySQL logs: node-sql-parser takes ~0.3 s to import. It gives no
    // fingerprint: the masked text names the shape.
    const {analyzeMysql} = await import('../analyze-mysql.js')
    return (sql, flavor) => ({infos: analyzeMysql(sql, flavor)})
  },
  isSystemRelation: (schema) => schema !== undefined && SYSTEM_SCHEMAS.has(schema.toLowerCase()),
  defaultSchemaPrefix: (database) => (database ? `${database}.` : undefined),
  // Bare names are the session's database's tables.
  shapesPerDatabase: true,
  // Statements name tables of their default database bare, and a catalog reads one database.
  tableName: (t) => t.name,
  // MySQL/MariaDB logs have fixed layouts, recognised from their lines.
  logLinePrefix: async () => undefined,
}
