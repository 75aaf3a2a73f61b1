/**
 * What ingestion takes and reports: plain data shared by the orchestrator (ingest.ts) and the
 * worker pool (parallel.ts), in a leaf so neither imports the other for its types.
 */
import type {Connection} from '../db/connection.js'
import type {ServiceMap} from './attribution.js'
import type {FileFormat} from './sources/registry.js'

export const LIVE_FORMATS = ['pg_stat_statements', 'mysql-digest'] as const
export type LiveFormat = (typeof LIVE_FORMATS)[number]

export interface IngestProgress {
  file: string
  fileIndex: number
  files: number
  /** On-disk bytes read of this file, and its size. */
  bytes: number
  size: number
}

export interface IngestOptions {
  files: string[]
  /** Force a format for every file (auto-detected per file otherwise). */
  format?: FileFormat
  /** Live sources read through a connection. */
  live?: {format: LiveFormat; conn: Connection}
  /** The server's log_line_prefix, for pg-stderr. */
  logLinePrefix?: string
  /** Service attribution rules (see attribution.ts); plain data so workers can share it. */
  serviceMap?: ServiceMap
  /** Worker threads to use (default: the machine's cores; 1 = all in this thread). */
  workers?: number
  /** Catalog tables ("name" in the default schema, else "schema.name"), to list untouched ones. */
  knownTables?: string[]
  onProgress?: (p: IngestProgress) => void
  onWarning?: (message: string) => void
}
