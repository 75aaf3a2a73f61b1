/**
 * "Exactly as before" on MySQL/MariaDB, for the plan-step tests: a snapshot of structure,
 * privileges, roles and rows (COUNT + CHECKSUM TABLE) to compare before and after a step's
 * up → verify → down, and the executor's way of sending a file (split at semicolons).
 */
import type {Connection} from '../../src/db/connection.js'
import {inspect} from '../../src/introspect/index.js'
import {splitStatements} from '../../src/workload/mask.js'

export interface Snap {
  structure: string
  data: Map<string, string>
}

/**
 * "Exactly as before" on MySQL: the catalog of the given databases (minus sizes and estimates),
 * which of them exist, the privileges and roles carrying the prefix, and COUNT + CHECKSUM TABLE of
 * every table (keyed by name: a moved table must keep its rows).
 */
export async function snap(conn: Connection, databases: string[], rolePrefix: string, options: {autoIncrement?: boolean} = {}): Promise<Snap> {
  const present = (await conn.query<{name: string}>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?) ORDER BY 1', [databases])).map((r) => r.name)
  const catalog = await inspect(conn, {schemas: present})
  const like = `'${rolePrefix.replace(/_/g, '\\_')}%`
  const privileges = await conn.query(
    `SELECT GRANTEE AS grantee, TABLE_SCHEMA AS db, TABLE_NAME AS tbl, PRIVILEGE_TYPE AS priv FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE LIKE ? ORDER BY 1, 2, 3, 4`,
    [like],
  )
  const schemaPrivileges = await conn.query(`SELECT GRANTEE AS grantee, TABLE_SCHEMA AS db, PRIVILEGE_TYPE AS priv FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE LIKE ? ORDER BY 1, 2, 3`, [like])
  const roles = await conn.query(`SELECT User AS user, Host AS host FROM mysql.user WHERE User LIKE ? ORDER BY 1, 2`, [`${rolePrefix.replace(/_/g, '\\_')}%`])
  const counters = options.autoIncrement
    ? await conn.query(`SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, AUTO_INCREMENT AS ai FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2`, [present])
    : []
  const structure = JSON.stringify(
    {
      present,
      tables: catalog.tables.map((t) => ({...t, estimatedRows: null, sizeBytes: null})),
      views: catalog.views.map((v) => ({schema: v.schema, name: v.name, columns: v.columns, dependsOn: v.dependsOn})),
      functions: catalog.functions,
      sequences: catalog.sequences,
      privileges,
      schemaPrivileges,
      roles,
      counters,
    },
    null,
    1,
  )
  const data = new Map<string, string>()
  for (const t of catalog.tables) {
    const rel = `\`${t.schema.replace(/`/g, '``')}\`.\`${t.name.replace(/`/g, '``')}\``
    const [count] = await conn.query<{n: number}>(`SELECT COUNT(*) AS n FROM ${rel}`)
    const [sum] = await conn.query<{Checksum: number | string | null}>(`CHECKSUM TABLE ${rel}`)
    data.set(t.name, `${count!.n}:${sum!.Checksum}`)
  }
  return {structure, data}
}

/** The executor's way on MySQL: one statement at a time, split at semicolons outside quotes. */
export async function runSplit(conn: Connection, text: string): Promise<void> {
  for (const st of splitStatements(text, 'mysql')) await conn.query(st.text)
}
