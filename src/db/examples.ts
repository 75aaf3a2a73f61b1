import {createHash} from 'node:crypto'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {CarveError, EXIT} from '../errors.js'
import {packageRoot} from '../paths.js'
import type {Connection} from './connection.js'
import {requireEngine} from './engine.js'
import {openPglite} from './pglite.js'

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
  requireEngine(conn, 'postgres', () => new CarveError('example.engine', `example "${name}" is a PostgreSQL database and cannot be loaded into ${conn.flavor}`, {
    hint: 'load it into PostgreSQL or PGlite (pglite:PATH)',
  }))
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

/**
 * Where loaded examples are cached: CARVE_CACHE_DIR, else $XDG_CACHE_HOME/carve, else
 * ~/.cache/carve. Loading the example's SQL into PGlite takes 10–20 s on two cores; copying the
 * data directory that load produced and opening it takes about a second.
 */
export function cacheDir(): string {
  return process.env.CARVE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'carve')
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  return JSON.parse(readFileSync(join(dirname(dirname(entry)), 'package.json'), 'utf8')).version as string
}

function exampleCacheDir(name: string): string {
  const hash = createHash('sha256')
  for (const {sql} of exampleScripts(name)) hash.update(sql)
  // A data directory only reopens in the PGlite build that wrote it.
  hash.update(pgliteVersion())
  return join(cacheDir(), `example-${name}-${hash.digest('hex').slice(0, 16)}`)
}

/**
 * An embedded PostgreSQL holding the example, on a private copy of a cached data directory (so
 * whatever a command does to it never reaches the cache); deleted when the connection closes.
 */
export async function openExample(name: string, onProgress?: (message: string) => void): Promise<Connection> {
  const cached = exampleCacheDir(name)
  const label = `example:${name} (pglite)`
  const marker = join(cached, '.carve-complete')
  if (!existsSync(marker)) {
    onProgress?.(`first use of example "${name}": loading it once into ${cached}`)
    const building = `${cached}.${process.pid}.tmp`
    rmSync(building, {recursive: true, force: true})
    try {
      const conn = await openPglite(building, {label})
      try {
        await loadExample(conn, name, onProgress)
      } finally {
        await conn.close()
      }
      writeFileSync(join(building, '.carve-complete'), new Date().toISOString())
      // Another process may have finished first: then its copy stands and ours goes.
      if (existsSync(cached) && !existsSync(marker)) rmSync(cached, {recursive: true, force: true})
      try {
        renameSync(building, cached)
      } catch {
        rmSync(building, {recursive: true, force: true})
      }
    } catch (error) {
      rmSync(building, {recursive: true, force: true})
      throw error
    }
  }
  const work = mkdtempSync(join(tmpdir(), `carve-${name}-`))
  cpSync(cached, work, {recursive: true})
  return openPglite(work, {label, removeOnClose: true})
}
