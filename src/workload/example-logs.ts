import {existsSync} from 'node:fs'
import {join} from 'node:path'

/**
 * The captured log an example's workload is learned from by default. The example ships the
 * same traffic in several formats (stderr, csvlog, jsonlog, MariaDB general log); ingesting
 * them together would count every statement several times, so one is the default.
 */
export function listExampleLogs(exampleDir: string): string[] {
  const csv = join(exampleDir, 'logs', 'postgresql.csv')
  return existsSync(csv) ? [csv] : []
}
