/**
 * Facts Carve derives from the structure alone: effective-dated (SCD2) tables, tenant-scoped
 * tables, deprecated tables, and references the application holds without a foreign key.
 * Pure functions over the raw catalog; no database access.
 */
import type {RawTable} from './driver.js'
import type {Column, InferredReference, Table, TableFlags} from './model.js'

/** Open/close column pairs of effective-dated rows, in the spellings legacy schemas use. */
export const SCD2_COLUMN_PAIRS: readonly (readonly [string, string])[] = [
  ['st_dt', 'e_dt'],
  ['start_dt', 'end_dt'],
  ['eff_dt', 'exp_dt'],
  ['valid_from', 'valid_to'],
  ['valid_from', 'valid_until'],
  ['effective_from', 'effective_to'],
  ['effective_start', 'effective_end'],
  ['effective_date', 'expiry_date'],
]

export const TENANT_COLUMNS: readonly string[] = ['tenant_id', 'tenantid', 'tenant_uuid', 'tenant']

const DEPRECATED_NAME = /^(old|legacy|deprecated|bak|backup|tmp|temp|obsolete)_|_(old|bak|backup|deprecated|legacy|obsolete)$/i

const isTemporal = (type: string) => /\b(date|timestamp|datetime)/i.test(type)

/** Every name of SCD2_COLUMN_PAIRS: most tables have none, and then no map is built. */
const SCD2_NAMES = new Set(SCD2_COLUMN_PAIRS.flat())

export function detectScd2(columns: readonly Column[]): TableFlags['scd2'] {
  const byName = new Map<string, Column>()
  for (const c of columns) {
    const lower = c.name.toLowerCase()
    if (SCD2_NAMES.has(lower)) byName.set(lower, c)
  }
  if (byName.size < 2) return null
  for (const [from, to] of SCD2_COLUMN_PAIRS) {
    const a = byName.get(from)
    const b = byName.get(to)
    if (a && b && isTemporal(a.type) && isTemporal(b.type)) return {from: a.name, to: b.name}
  }
  return null
}

const TENANT_RANK = new Map(TENANT_COLUMNS.map((name, rank) => [name, rank]))

/** The column named like the earliest of TENANT_COLUMNS (the first such column on a tie), in one pass. */
export function detectTenantColumn(columns: readonly Column[]): string | null {
  let found: string | null = null
  let foundRank = TENANT_COLUMNS.length
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i]!.name
    const rank = TENANT_RANK.get(name.toLowerCase())
    if (rank !== undefined && rank < foundRank) {
      found = name
      foundRank = rank
    }
  }
  return found
}

export function detectDeprecated(table: Pick<RawTable, 'name' | 'comment'>): string | null {
  if (table.comment && /\bdeprecated\b/i.test(table.comment)) return `comment: ${table.comment.split('\n')[0]!.slice(0, 120)}`
  if (DEPRECATED_NAME.test(table.name)) return `name: "${table.name}"`
  return null
}

export function deriveFlags(table: RawTable): Table {
  return {
    ...table,
    flags: {
      scd2: detectScd2(table.columns),
      tenantColumn: detectTenantColumn(table.columns),
      deprecated: detectDeprecated(table),
    },
  }
}

/** Integer, text and uuid families: a bigint column can hold an integer key, not a text one. */
function typeFamily(type: string): string {
  const t = type.toLowerCase()
  if (/^(small|big)?int|^integer|^serial|^bigserial|^tinyint|^mediumint|^numeric\(\d+(,0)?\)|^decimal\(\d+(,0)?\)/.test(t)) return 'integer'
  if (/char|text|citext/.test(t)) return 'text'
  if (/uuid/.test(t)) return 'uuid'
  return t
}

/** Singular and plural spellings a table for `stem` may have. */
function tableNamesFor(stem: string): string[] {
  const names = [stem, `${stem}s`, `${stem}es`]
  if (/[^aeiou]y$/.test(stem)) names.push(`${stem.slice(0, -1)}ies`)
  if (stem.endsWith('s')) names.push(stem.slice(0, -1))
  return names
}

/**
 * Infer references the application holds without a declared foreign key: a column `<stem>_id`
 * (or `<stem>Id`) whose stem names another table with a single-column primary key of a
 * compatible type. A global prefix shared by the schema's tables (`app_`, `sylius_`) is tried
 * too. Columns already covered by a declared FK are skipped.
 */
export function inferReferences(tables: readonly RawTable[]): InferredReference[] {
  const bySchema = new Map<string, Map<string, RawTable>>()
  for (const t of tables) {
    if (t.partitionOf) continue
    let m = bySchema.get(t.schema)
    if (!m) bySchema.set(t.schema, (m = new Map()))
    m.set(t.name.toLowerCase(), t)
  }
  const result: InferredReference[] = []
  for (const table of tables) {
    if (table.partitionOf) continue
    const sameSchema = bySchema.get(table.schema)!
    const declared = new Set(table.foreignKeys.filter((fk) => fk.columns.length === 1).map((fk) => fk.columns[0]!))
    const prefix = /^([a-z0-9]+_)/i.exec(table.name)?.[1]?.toLowerCase()
    for (const column of table.columns) {
      if (declared.has(column.name)) continue
      const match = /^(.+?)(?:_id|Id|ID)$/.exec(column.name)
      if (!match) continue
      const stem = match[1]!.toLowerCase()
      const candidates = tableNamesFor(stem)
      if (prefix) candidates.push(...tableNamesFor(prefix + stem))
      const target = candidates.map((n) => sameSchema.get(n)).find((t) => t !== undefined && t !== table)
      if (!target || target.primaryKey.length !== 1) continue
      const pkName = target.primaryKey[0]!
      const pk = target.columns.find((c) => c.name === pkName)
      if (!pk) continue
      // The key must be `id`, or carry the same name as the referencing column (customer_id → customer.customer_id).
      if (pkName.toLowerCase() !== 'id' && pkName.toLowerCase() !== column.name.toLowerCase()) continue
      if (typeFamily(pk.type) !== typeFamily(column.type)) continue
      const exact = pk.type === column.type
      result.push({
        from: {schema: table.schema, name: table.name, columns: [column.name]},
        to: {schema: target.schema, name: target.name, columns: [pkName]},
        confidence: exact ? 'high' : 'medium',
        evidence: `column "${column.name}" (${column.type}) names table "${target.name}" whose key "${pkName}" is ${pk.type}; no foreign key declared`,
      })
    }
  }
  return result
}
