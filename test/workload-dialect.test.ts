/**
 * The workload's SQL dialects (src/workload/dialect/): the lexer's rules per engine, checked
 * against what the real servers do with the same text, and that no workload module outside the
 * dialect modules tests an engine's name.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openMysql} from '../src/db/mysql.js'
import {openPostgres} from '../src/db/postgres.js'
import {StatementAnalyzer} from '../src/workload/analyzer.js'
import {maskSql, splitStatements} from '../src/workload/mask.js'
import {announceSkip, MYSQL_URL, PG_URL} from './support/servers.js'

/** Run each piece splitStatements cuts; the value of the last one's first column. */
async function runPieces(conn: Connection, script: string, dialect: 'postgres' | 'mysql'): Promise<unknown[]> {
  const values: unknown[] = []
  for (const st of splitStatements(script, dialect)) values.push(Object.values((await conn.query<Record<string, unknown>>(st.text))[0]!)[0])
  return values
}

describe('MySQL lexical rules, on MariaDB', () => {
  let conn: Connection
  beforeAll(async () => {
    if (MYSQL_URL) conn = await openMysql(MYSQL_URL)
  })
  afterAll(async () => conn?.close())

  it.skipIf(!MYSQL_URL)('`--` before a digit is arithmetic, `#` and `-- ` are comments, backslash escapes and "…" strings', async () => {
    // 1--2 is 1 - (-2) on the server: the splitter must not take the rest of the line as a comment.
    const script = "SELECT 1--2; SELECT 'a\\';b' # x;\n; SELECT \"c;d\" -- e;\n"
    expect(splitStatements(script, 'mysql')).toHaveLength(3)
    expect((await runPieces(conn, script, 'mysql')).map(String)).toEqual(['3', "a';b", 'c;d'])
    expect(maskSql('SELECT 1--2', 'mysql').key).toBe('SELECT ?--?')
    expect(maskSql('SELECT "x" -- c', 'mysql')).toEqual({key: 'SELECT ?', comments: [' c']})
  })
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

describe('PostgreSQL lexical rules, on PostgreSQL', () => {
  let conn: Connection
  beforeAll(async () => {
    if (PG_URL) conn = await openPostgres(PG_URL)
  })
  afterAll(async () => conn?.close())

  it.skipIf(!PG_URL)('nested block comments, E strings with backslash escapes, dollar quotes, "…" identifiers', async () => {
    const script = "SELECT 1 /* a /* b; */ c; */; SELECT E'it\\'s;'; SELECT $t$;$t$ AS \"x;y\"; SELECT 'a\\'"
    expect(splitStatements(script, 'postgres').map((s) => s.text)).toEqual(['SELECT 1 /* a /* b; */ c; */', "SELECT E'it\\'s;'", 'SELECT $t$;$t$ AS "x;y"', "SELECT 'a\\'"])
    expect((await runPieces(conn, script, 'postgres')).map(String)).toEqual(['1', "it's;", ';', 'a\\'])
    expect(maskSql('SELECT 1 /* a /* b */ c */ + 2', 'postgres')).toEqual({key: 'SELECT ? + ?', comments: [' a /* b */ c ']})
    expect(maskSql('SELECT 1--2', 'postgres')).toEqual({key: 'SELECT ?', comments: ['2']})
    // A word ending in e before a quote is not an E'' prefix: the backslash ends nothing here.
    expect(maskSql("SELECT type'a\\' , 2", 'postgres').key).toBe('SELECT type? , ?')
  })
})
if (!PG_URL) announceSkip('PostgreSQL')

describe('dialect of a workload', () => {
  it('keys MySQL statement shapes per session database, PostgreSQL ones not', async () => {
    expect((await StatementAnalyzer.create('mysql')).shapesPerDatabase).toBe(true)
    expect((await StatementAnalyzer.create('postgres')).shapesPerDatabase).toBe(false)
  })

  it('no workload module outside dialect/ tests an engine name', () => {
    const dir = resolve(import.meta.dirname, '../src/workload')
    const files = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.ts') && !f.startsWith('dialect'))
    expect(files.length).toBeGreaterThan(20)
    const offenders = files.filter((f) => /\b(dialect|engine)\s*[!=]==\s*'(postgres|mysql)'|'(postgres|mysql)'\s*[!=]==\s*\w*(dialect|engine)\b/.test(readFileSync(join(dir, f), 'utf8')))
    expect(offenders).toEqual([])
  })
})
