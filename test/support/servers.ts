/**
 * Real database servers for tests. CI (.ci/run) creates a fresh database on each server and
 * passes its URL in; on a machine without servers the tests that need them skip, and say so.
 *
 *   CARVE_TEST_PG_URL     e.g. postgres://postgres@127.0.0.1:5432/carve_ci_1234
 *   CARVE_TEST_MYSQL_URL  e.g. mysql://root@127.0.0.1:3306/carve_ci_1234
 *
 * A test file that needs a database of its own creates it next to the given one (same server,
 * name suffixed) and drops it afterwards, so test files never see each other's objects.
 */
import {randomBytes} from 'node:crypto'

export const PG_URL = process.env.CARVE_TEST_PG_URL || undefined
export const MYSQL_URL = process.env.CARVE_TEST_MYSQL_URL || undefined

const announced = new Set<string>()

/** Print once per process why a server suite is skipped, so a skip is never silent. */
export function announceSkip(what: 'PostgreSQL' | 'MariaDB/MySQL'): void {
  if (announced.has(what)) return
  announced.add(what)
  const variable = what === 'PostgreSQL' ? 'CARVE_TEST_PG_URL' : 'CARVE_TEST_MYSQL_URL'
  console.warn(`[carve tests] SKIPPING ${what} server tests: set ${variable} to run them (see .ci/run).`)
}

/** A URL for a new, uniquely named database on the same server as `baseUrl`. */
export function siblingDatabaseUrl(baseUrl: string, suffix: string): {url: string; name: string} {
  const u = new URL(baseUrl)
  const base = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'carve'
  const name = `${base}_${suffix}_${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 60)
  u.pathname = '/' + name
  return {url: u.toString(), name}
}

/** The same server, but connected to its administrative database. */
export function adminUrl(baseUrl: string, adminDb: string): string {
  const u = new URL(baseUrl)
  u.pathname = '/' + adminDb
  return u.toString()
}

/** Create an empty PostgreSQL database beside CARVE_TEST_PG_URL; drop() removes it. */
export async function createPgDatabase(suffix: string): Promise<{url: string; name: string; drop: () => Promise<void>}> {
  const {default: pg} = await import('pg')
  const base = PG_URL!
  const {url, name} = siblingDatabaseUrl(base, suffix)
  const admin = new pg.Client({connectionString: base})
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({connectionString: base})
      await c.connect()
      try {
        await c.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}
