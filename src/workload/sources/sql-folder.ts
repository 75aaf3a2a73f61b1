/**
 * SQL files per service, for teams that can only grep their code: `DIR/<service>/**\/*.sql` or
 * `DIR/<service>.sql`. Every statement counts once: code has no execution counts.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, join, relative} from 'node:path'

import type {EventSink} from '../events.js'
import {type Dialect, splitStatements} from '../mask.js'
import type {SourceReport} from './report.js'

function sqlFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sqlFiles(path))
    else if (entry.name.endsWith('.sql')) out.push(path)
  }
  return out
}

export function readSqlFolder(path: string, dialect: Dialect, sink: EventSink): SourceReport {
  const files = statSync(path).isDirectory() ? sqlFiles(path) : [path]
  let events = 0
  let lines = 0
  for (const file of files) {
    const rel = relative(path, file)
    // The service is the first folder under DIR, or the file's name for DIR/<service>.sql.
    const service = rel.includes('/') ? rel.split('/')[0]! : basename(file, '.sql')
    const text = readFileSync(file, 'utf8')
    lines += text.split('\n').length
    for (const statement of splitStatements(text, dialect)) {
      events++
      const line = text.slice(0, statement.offset).split('\n').length
      sink({sql: statement.text, calls: 1, application: service, file, line})
    }
  }
  return {format: 'sql-folder', lines, events, warnings: files.length ? [] : [{file: path, message: 'no .sql files found'}]}
}
