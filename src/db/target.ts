import {CarveError, EXIT} from '../errors.js'

/**
 * Where Carve should connect, parsed from `--db`, `DATABASE_URL` or `--example`.
 *
 *   postgres://user:pass@host:5432/db   PostgreSQL (also postgresql://)
 *   mysql://user:pass@host:3306/db      MySQL or MariaDB (also mariadb://)
 *   pglite:./path/to/dir                embedded PostgreSQL on disk (created when missing)
 *   pglite:memory                       embedded PostgreSQL in memory
 *   --example shop                      embedded PostgreSQL in memory, loaded with an example
 */
export type Target =
  | {kind: 'postgres'; url: string}
  | {kind: 'mysql'; url: string}
  | {kind: 'pglite'; dataDir: string | null}
  | {kind: 'example'; name: string}

export function parseTarget(value: string): Target {
  const text = value.trim()
  if (text === '') throw usage('the database URL is empty')
  if (/^pglite:/i.test(text)) {
    const path = text.slice('pglite:'.length).replace(/^\/\/(?=\/)/, '')
    return {kind: 'pglite', dataDir: path === '' || path === 'memory' || path === ':memory:' ? null : path}
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Not echoed: text that fails to parse may be a password pasted in the wrong place.
    throw usage('the --db value (or DATABASE_URL) is not a database URL')
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase()
  if (scheme === 'postgres' || scheme === 'postgresql') return {kind: 'postgres', url: text}
  if (scheme === 'mysql' || scheme === 'mariadb') return {kind: 'mysql', url: text}
  throw usage(`unsupported database URL scheme "${scheme}:"`)
}

/** The URL with any password replaced, for messages and labels. Works on unparseable text too. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text)
    if (url.password) url.password = '*****'
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, '*****')
    }
    return url.toString()
  } catch {
    // Not a URL: blank out anything between "://user:" and "@", the usual place of a password.
    return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1*****@')
  }
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'postgres':
    case 'mysql':
      return redactUrl(target.url)
    case 'pglite':
      return target.dataDir ? `pglite:${target.dataDir}` : 'pglite:memory'
    case 'example':
      return `example "${target.name}" (embedded PGlite)`
  }
}

function usage(message: string): CarveError {
  return new CarveError('usage.db-url', message, {
    exitCode: EXIT.usage,
    hint: 'use postgres://user@host:5432/db, mysql://user@host:3306/db, pglite:PATH, or --example shop',
  })
}
