/**
 * What reading a workload does differently per SQL dialect: how the text is lexed (mask.ts), which
 * parser analyzes a statement shape and what names the shape, which relations are system catalogs,
 * which schema bare names mean, and the two things `workload ingest` asks of a catalog or a server.
 * One object per engine (dialect/postgres.ts, dialect/mysql.ts), picked once by
 * `workloadDialect(engine)` (dialect.ts); no module of the workload tests the engine's name.
 */
import type {Connection} from '../../db/connection.js'
import type {Engine} from '../../db/engine.js'
import type {RelationRef} from '../../introspect/model.js'
import type {StatementInfo} from '../statement.js'

/** The SQL dialect of a workload: the engine whose logs (or scripts) are read. */
export type Dialect = Engine

/**
 * Lexical rules of the one-pass lexer (mask.ts): where comments and quoted text start and end.
 * Plain booleans, so the lexer can copy them into locals once per statement.
 */
export interface LexRules {
  /** `--` opens a comment only before white space or the end (MySQL: `1--2` is arithmetic). */
  dashCommentNeedsSpace: boolean
  /** `#` opens a comment to the end of the line. */
  hashComments: boolean
  /** `/* … *\/` comments nest. */
  nestedBlockComments: boolean
  /** A backslash escapes the next character in every string literal ('…', and "…" where that is a string). */
  backslashEscapes: boolean
  /** `E'…'` strings take backslash escapes (where plain strings do not). */
  escapeStrings: boolean
  /** `$tag$ … $tag$` quotes a string (`$1` stays a parameter). */
  dollarQuotes: boolean
  /** `"…"` is a string literal (masked), not a quoted identifier (kept). */
  doubleQuotedStrings: boolean
}

/** One statement shape's analysis; no fingerprint means the masked text names the shape. */
export type ShapeAnalysis = {infos: StatementInfo[]; fingerprint?: string}

/** A dialect's analyzer entry point: the statement's text and the server family that wrote it. */
export type ShapeAnalyzer = (sql: string, flavor: 'mysql' | 'mariadb') => ShapeAnalysis

export interface WorkloadDialect {
  lex: LexRules
  /** Load the parser (once per process or worker; it is large) and return the analyzer. */
  loadAnalyzer(): Promise<ShapeAnalyzer>
  /** Is `relation` (in `schema`, or unqualified when undefined) a system catalog relation? */
  isSystemRelation(schema: string | undefined, relation: string): boolean
  /** The prefix of names in the default schema (`public.`), which the workload drops; undefined when there is none. */
  defaultSchemaPrefix(database: string | undefined): string | undefined
  /**
   * Whether one statement text is one shape per session database: where bare names resolve to
   * the session's database, the same text in two databases touches different tables.
   */
  shapesPerDatabase: boolean
  /** The name a workload knows a catalog table by: what an unqualified statement calls it. */
  tableName(table: RelationRef): string
  /** The server's log_line_prefix, which its stderr logs were written with; undefined where there is none. */
  logLinePrefix(conn: Connection): Promise<string | undefined>
}
