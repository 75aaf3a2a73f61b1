/**
 * No silent zero: a file that has lines but yields no statement gets a warning that says what
 * the file looked like and what to try, instead of quietly adding nothing to the workload.
 */
import type {SourceWarning} from '../events.js'
import {logFormat, type FileFormat} from './registry.js'
import type {SourceReport} from './report.js'

export function silentFileWarning(file: string, format: FileFormat, report: SourceReport, prefix?: string): SourceWarning | null {
  if (report.events > 0 || report.lines === 0) return null
  // The pgbouncer reader already says why it holds nothing.
  if (format === 'pgbouncer') return null
  const f = logFormat(format)
  const how = prefix ? ` with log_line_prefix '${prefix}'` : ''
  return {file, message: `${report.lines} lines but no statement: read as ${f.label}${how}; ${f.hint}`}
}
