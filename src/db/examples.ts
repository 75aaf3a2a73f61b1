import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {CarveError, EXIT} from '../errors.js'
import {packageRoot} from '../paths.js'
import type {Connection} from './connection.js'

/** The example databases shipped in examples/: each folder with a schema.sql (and seed.sql). */
export function listExamples(): string[] {
  const dir = join(packageRoot(), 'examples')
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true})
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'schema.sql')))
    .map((d) => d.name)
    .sort()
}

export function exampleDir(name: string): string {
  if (!listExamples().includes(name)) {
    const known = listExamples()
    throw new CarveError('usage.example', `there is no example "${name}"`, {
      exitCode: EXIT.usage,
      hint: known.length ? `available: ${known.join(', ')}` : 'no examples are installed',
    })
  }
  return join(packageRoot(), 'examples', name)
}

/** The example's SQL scripts in load order. */
export function exampleScripts(name: string): {file: string; sql: string}[] {
  const dir = exampleDir(name)
  return ['schema.sql', 'seed.sql']
    .map((file) => join(dir, file))
    .filter((file) => existsSync(file))
    .map((file) => ({file, sql: readFileSync(file, 'utf8')}))
}

/** Create the example's schema and seed data. The examples are PostgreSQL databases. */
export async function loadExample(conn: Connection, name: string, onProgress?: (message: string) => void): Promise<void> {
  const scripts = exampleScripts(name)
  if (conn.engine !== 'postgres') {
    throw new CarveError('example.engine', `example "${name}" is a PostgreSQL database and cannot be loaded into ${conn.flavor}`, {
      hint: 'load it into PostgreSQL or PGlite (pglite:PATH)',
    })
  }
  for (const {file, sql} of scripts) {
    onProgress?.(`loading ${file.slice(packageRoot().length + 1)}`)
    try {
      await conn.exec(sql)
    } catch (error) {
      throw new CarveError('example.load', `loading example "${name}" failed in ${file}: ${(error as Error).message}`, {
        hint: 'load it into an empty database (the example creates its tables in the public schema)',
        cause: error,
      })
    }
  }
}
