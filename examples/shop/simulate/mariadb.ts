/**
 * The shop schema in MariaDB dialect, derived from schema.sql by mapping each column type by
 * hand (below), and a copy of the seeded PostgreSQL data into it.
 *
 * Kept: tables (a partitioned table becomes one plain table), columns, primary keys, unique
 * constraints, simple defaults, stored generated columns, the two enums, the secondary indexes
 * on plain columns, and an index on every foreign-key column (what InnoDB would create for the
 * constraint). Dropped: CHECK constraints, the foreign-key constraints themselves, expression
 * and partial unique indexes, views, functions and triggers — the MariaDB workload only needs
 * the tables and the columns its statements use. The two number sequences are created by the
 * simulator once the data is in.
 */
import type mysql from 'mysql2/promise'
import type pg from 'pg'

const ENUMS: Record<string, string> = {
  order_status: "ENUM('pending', 'confirmed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')",
  payment_status: "ENUM('initiated', 'authorized', 'captured', 'failed', 'voided', 'refunded')",
}

/** PostgreSQL column type (at the start of a column definition) → MariaDB type. */
const TYPES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^(bigint|integer|smallint)\s+GENERATED\s+(?:ALWAYS|BY DEFAULT)\s+AS\s+IDENTITY/i, (m) => `${intType(m[1]!)} AUTO_INCREMENT`],
  [/^bigserial\b/i, () => 'BIGINT AUTO_INCREMENT'],
  [/^smallserial\b/i, () => 'SMALLINT AUTO_INCREMENT'],
  [/^serial\b/i, () => 'INT AUTO_INCREMENT'],
  [/^numeric\((\d+),\s*(\d+)\)/i, (m) => `DECIMAL(${m[1]}, ${m[2]})`],
  [/^varchar\((\d+)\)/i, (m) => `VARCHAR(${m[1]})`],
  [/^char\((\d+)\)/i, (m) => `CHAR(${m[1]})`],
  [/^text\[\]/i, () => 'JSON'],
  [/^text\b/i, () => 'TEXT'],
  [/^jsonb?\b/i, () => 'JSON'],
  [/^uuid\b/i, () => 'CHAR(36)'],
  [/^inet\b/i, () => 'VARCHAR(45)'],
  [/^timestamptz\b/i, () => 'DATETIME(6)'],
  [/^timestamp\b/i, () => 'DATETIME(6)'],
  [/^date\b/i, () => 'DATE'],
  [/^boolean\b/i, () => 'BOOLEAN'],
  [/^(bigint|integer|smallint)\b/i, (m) => intType(m[1]!)],
  [/^(order_status|payment_status)\b/, (m) => ENUMS[m[1]!]!],
]

function intType(pgType: string): string {
  return pgType.toLowerCase() === 'bigint' ? 'BIGINT' : pgType.toLowerCase() === 'smallint' ? 'SMALLINT' : 'INT'
}

/** Split at top-level commas (outside parentheses and quotes). */
function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quoted = !quoted
    else if (!quoted && c === '(') depth++
    else if (!quoted && c === ')') depth--
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(text.slice(start).trim())
  return out.filter((s) => s !== '')
}

/** The index just past the parenthesis that closes the one at `open`. */
function closing(text: string, open: number): number {
  let depth = 0
  let quoted = false
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quoted = !quoted
    else if (!quoted && c === '(') depth++
    else if (!quoted && c === ')') {
      depth--
      if (depth === 0) return i + 1
    }
  }
  throw new Error(`unbalanced parentheses in: ${text.slice(open, open + 80)}`)
}

function convertDefault(expr: string, mysqlType: string): string | null {
  const e = expr.trim()
  if (/^now\(\)$/i.test(e)) return mysqlType.startsWith('DATETIME') ? 'CURRENT_TIMESTAMP(6)' : null
  if (/^gen_random_uuid\(\)$/i.test(e)) return '(uuid())'
  if (/^'\{\}'(::jsonb)?$/i.test(e)) return mysqlType === 'JSON' ? (e.includes('jsonb') ? "'{}'" : "'[]'") : null
  if (/^'[^']*'$/.test(e) || /^-?\d+(\.\d+)?$/.test(e) || /^(true|false)$/i.test(e)) return e
  return null // expressions such as ('INV-' || nextval(...)): the MariaDB workload supplies the value
}

function convertColumn(item: string, foreignKeys: string[]): string {
  const m = /^(\w+)\s+([\s\S]*)$/.exec(item)
  if (!m) throw new Error(`cannot read column: ${item}`)
  const name = m[1]!
  let rest = m[2]!.trim()
  let type: string | undefined
  for (const [re, map] of TYPES) {
    const t = re.exec(rest)
    if (t) {
      type = map(t)
      rest = rest.slice(t[0].length).trim()
      break
    }
  }
  if (!type) throw new Error(`no MariaDB type for column ${name}: ${rest}`)
  const parts: string[] = [`\`${name}\``, type]
  while (rest.length) {
    let t: RegExpExecArray | null
    if ((t = /^GENERATED\s+ALWAYS\s+AS\s*\(/i.exec(rest))) {
      const open = t[0].length - 1
      const end = closing(rest, open)
      parts.push(`AS ${rest.slice(open, end)}`)
      rest = rest.slice(end).trim().replace(/^STORED\b/i, '').trim()
      parts.push('STORED')
    } else if ((t = /^PRIMARY\s+KEY\b/i.exec(rest)) || (t = /^NOT\s+NULL\b/i.exec(rest)) || (t = /^UNIQUE\b/i.exec(rest))) {
      parts.push(t[0].toUpperCase().replace(/\s+/g, ' '))
      rest = rest.slice(t[0].length).trim()
    } else if ((t = /^CHECK\s*\(/i.exec(rest))) {
      rest = rest.slice(closing(rest, t[0].length - 1)).trim()
    } else if ((t = /^REFERENCES\s+\w+\s*\([^)]*\)((\s+ON\s+(DELETE|UPDATE)\s+(CASCADE|RESTRICT|SET\s+NULL|NO\s+ACTION))*)/i.exec(rest))) {
      foreignKeys.push(name)
      rest = rest.slice(t[0].length).trim()
    } else if ((t = /^DEFAULT\s+/i.exec(rest))) {
      rest = rest.slice(t[0].length)
      let expr: string
      if (rest.startsWith('(')) {
        const end = closing(rest, 0)
        expr = rest.slice(0, end)
        rest = rest.slice(end)
      } else {
        const d = /^('[^']*'(::\w+)?|[\w.]+(\(\))?|-?\d+(\.\d+)?)/.exec(rest)
        if (!d) throw new Error(`cannot read the default of ${name}: ${rest}`)
        expr = d[0]
        rest = rest.slice(expr.length)
      }
      rest = rest.trim()
      const converted = convertDefault(expr, type)
      if (converted !== null) parts.push(`DEFAULT ${converted}`)
    } else {
      throw new Error(`cannot convert column ${name}: ${rest}`)
    }
  }
  return parts.join(' ')
}

function convertItem(item: string, foreignKeys: string[]): string | null {
  if (/^(CONSTRAINT\s+\w+\s+)?CHECK\b/i.test(item)) return null
  if (/^(CONSTRAINT\s+\w+\s+)?FOREIGN\s+KEY\b/i.test(item)) return null
  const pk = /^(?:CONSTRAINT\s+\w+\s+)?PRIMARY\s+KEY\s*\(([^)]*)\)$/i.exec(item)
  if (pk) return `PRIMARY KEY (${pk[1]!.split(',').map((c) => `\`${c.trim()}\``).join(', ')})`
  const uq = /^(?:CONSTRAINT\s+(\w+)\s+)?UNIQUE\s*\(([^)]*)\)$/i.exec(item)
  if (uq) return `UNIQUE KEY ${uq[1] ?? ''} (${uq[2]!.split(',').map((c) => `\`${c.trim()}\``).join(', ')})`.replace('KEY  (', 'KEY (')
  return convertColumn(item, foreignKeys)
}

const columnsOf = (list: string): string[] => list.split(',').map((c) => c.trim().replace(/`/g, ''))

export interface MariadbSchema {
  /** Table names in schema.sql order. */
  tables: string[]
  /** CREATE TABLE statements. */
  statements: string[]
}

/** schema.sql → MariaDB CREATE TABLE and CREATE INDEX statements. */
export function mariadbSchema(schemaSql: string): MariadbSchema {
  const text = schemaSql.replace(/--[^\n]*/g, '')
  const tables: string[] = []
  const statements: string[] = []
  const foreignKeys = new Map<string, string[]>()
  /** Per table, the first column of every key and index. */
  const leading = new Map<string, Set<string>>()
  const lead = (table: string, column: string) => leading.set(table, (leading.get(table) ?? new Set()).add(column))
  const re = /CREATE TABLE (\w+)\s*\(/g
  let m: RegExpExecArray | null
  while ((m = re.exec(text))) {
    const name = m[1]!
    const open = m.index + m[0].length - 1
    const end = closing(text, open)
    const body = text.slice(open + 1, end - 1)
    const fks: string[] = []
    const items = splitTopLevel(body).map((item) => convertItem(item, fks)).filter((x): x is string => x !== null)
    for (const item of items) {
      const key = /^(?:PRIMARY KEY|UNIQUE KEY \w*)\s*\(([^)]*)\)/.exec(item)
      if (key) lead(name, columnsOf(key[1]!)[0]!)
      const col = /^`(\w+)` .*\b(PRIMARY KEY|UNIQUE)\b/.exec(item)
      if (col) lead(name, col[1]!)
    }
    foreignKeys.set(name, fks)
    tables.push(name)
    statements.push(`CREATE TABLE \`${name}\` (\n  ${items.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
    re.lastIndex = end
  }
  // Foreign keys added later with ALTER TABLE.
  for (const a of text.matchAll(/ALTER TABLE (\w+)\s+ADD CONSTRAINT \w+ FOREIGN KEY \((\w+)\)/g)) foreignKeys.get(a[1]!)?.push(a[2]!)
  // Secondary indexes on plain columns (expression indexes cannot be ported as they are).
  for (const i of text.matchAll(/CREATE (UNIQUE )?INDEX (\w+) ON (\w+) \(([^;]*?)\)(\s+WHERE[^;]*)?;/g)) {
    const [, unique, index, table, list, where] = i
    const columns = splitTopLevel(list!).map((c) => /^(\w+)(\s+(ASC|DESC))?$/i.exec(c)?.[1])
    if (columns.some((c) => c === undefined) || (unique && where) || !tables.includes(table!)) continue
    statements.push(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${index} ON \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')})`)
    lead(table!, columns[0]!)
  }
  for (const [table, fks] of foreignKeys) {
    for (const column of fks) {
      if (leading.get(table)?.has(column)) continue
      statements.push(`CREATE INDEX ix_${table}_${column}_fk ON \`${table}\` (\`${column}\`)`)
      lead(table, column)
    }
  }
  return {tables, statements}
}

/** Copy every row of `tables` from the PostgreSQL database into the MariaDB one. */
export async function copyData(from: pg.Client, to: mysql.Connection, tables: string[]): Promise<number> {
  let total = 0
  for (const table of tables) {
    const columns = (
      await from.query(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'
          ORDER BY ordinal_position`,
        [table],
      )
    ).rows as {column_name: string; data_type: string}[]
    const list = columns.map((c) => `"${c.column_name}"`).join(', ')
    // Every value as the server prints it (no JavaScript Date or number conversions).
    const result = await from.query({text: `SELECT ${list} FROM "${table}"`, types: {getTypeParser: () => (value: string) => value}})
    const rows = (result.rows as Record<string, string | null>[]).map((r) =>
      columns.map((c) => {
        const value = r[c.column_name]
        if (value === null || value === undefined) return null
        switch (c.data_type) {
          case 'boolean':
            return value === 't' ? 1 : 0
          case 'timestamp with time zone':
            return value.replace(/([+-]\d\d(:\d\d)?)$/, '')
          case 'ARRAY':
            return JSON.stringify(parsePgArray(value))
          default:
            return value
        }
      }),
    )
    const target = columns.map((c) => `\`${c.column_name}\``).join(', ')
    await to.query('START TRANSACTION')
    for (let i = 0; i < rows.length; i += 1000) {
      await to.query(`INSERT INTO \`${table}\` (${target}) VALUES ?`, [rows.slice(i, i + 1000)])
    }
    await to.query('COMMIT')
    total += rows.length
  }
  return total
}

/** A one-dimensional PostgreSQL text array literal → its elements. */
function parsePgArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '')
  if (inner === '') return []
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(inner))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!)
  return out
}
