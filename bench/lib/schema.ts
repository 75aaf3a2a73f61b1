/**
 * A synthetic legacy schema of N tables, deterministic for a given N:
 *
 * - 5–10 columns per table of mixed types (bigint, integer, smallint, numeric, double, text,
 *   varchar, boolean, date, timestamptz, jsonb, uuid), a bigint primary key;
 * - foreign keys to earlier tables, 2–4 per table (3 on average, fewer for the first few tables),
 *   mostly to nearby tables (the modules of a real schema) and some anywhere; mixed ON DELETE;
 * - 1–2 secondary indexes (one on the first FK column, sometimes a second, or a partial one),
 *   a unique constraint, a check constraint, a table comment and a column comment;
 * - one view per 20 tables joining 2–3 tables along foreign keys.
 *
 * The DDL comes as scripts of `tablesPerScript` tables, each made of transactions of at most
 * `tablesPerTransaction` tables (creating hundreds of tables in one transaction would run out of
 * the shared lock table); each script is one multi-statement query.
 */
import {seededRandom} from './stats.js'

const WORDS = [
  'account', 'order', 'invoice', 'payment', 'customer', 'product', 'shipment', 'ledger', 'audit', 'price',
  'stock', 'supplier', 'contract', 'claim', 'policy', 'ticket', 'user', 'role', 'branch', 'region',
]

interface ColumnKind {
  name: string
  type: string
  extra?: string
}

/** Optional columns, beyond id, the FK columns and the always-present code/qty. */
const OPTIONAL: readonly ColumnKind[] = [
  {name: 'name', type: 'text'},
  {name: 'status', type: 'varchar(16)', extra: `not null default 'new'`},
  {name: 'created_at', type: 'timestamptz', extra: 'not null default now()'},
  {name: 'updated_at', type: 'timestamptz'},
  {name: 'valid_on', type: 'date'},
  {name: 'is_active', type: 'boolean', extra: 'not null default true'},
  {name: 'amount', type: 'numeric(12,2)'},
  {name: 'score', type: 'double precision'},
  {name: 'payload', type: 'jsonb'},
  {name: 'external_ref', type: 'uuid'},
  {name: 'note', type: 'text'},
  {name: 'flags', type: 'smallint', extra: 'not null default 0'},
]

export interface SchemaCounts {
  tables: number
  columns: number
  foreignKeys: number
  /** Every index: primary key + unique constraint + secondary indexes. */
  indexes: number
  secondaryIndexes: number
  uniques: number
  checks: number
  views: number
}

export interface GeneratedSchema {
  counts: SchemaCounts
  scripts: string[]
}

export function tableName(i: number): string {
  return `${WORDS[i % WORDS.length]}_${String(i).padStart(5, '0')}`
}

export function generateSchema(n: number, options: {tablesPerScript?: number; tablesPerTransaction?: number; seed?: number} = {}): GeneratedSchema {
  const perScript = options.tablesPerScript ?? 500
  const perTx = options.tablesPerTransaction ?? 100
  const random = seededRandom(options.seed ?? 0x5eed + n)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const counts: SchemaCounts = {tables: 0, columns: 0, foreignKeys: 0, indexes: 0, secondaryIndexes: 0, uniques: 0, checks: 0, views: 0}
  const scripts: string[] = []
  let script: string[] = []

  for (let i = 0; i < n; i++) {
    if (i % perTx === 0) script.push('begin;')
    const t = tableName(i)

    // Foreign keys: 2, 3 or 4 (3 on average), to distinct earlier tables; 70% within the previous 50.
    const wanted = Math.min(i, [2, 3, 4][int(0, 2)]!)
    const targets = new Set<number>()
    while (targets.size < wanted) {
      const near = random() < 0.7
      const lo = near ? Math.max(0, i - 50) : 0
      targets.add(int(lo, i - 1))
    }
    const fkTargets = [...targets]

    const optionalCount = int(Math.max(5, 3 + fkTargets.length), 10) - 3 - fkTargets.length
    const pool = [...OPTIONAL]
    const optional: ColumnKind[] = []
    for (let k = 0; k < optionalCount; k++) optional.push(pool.splice(int(0, pool.length - 1), 1)[0]!)

    const lines: string[] = ['  id bigint not null']
    const fkLines: string[] = []
    for (const target of fkTargets) {
      const ref = tableName(target)
      const roll = random()
      const onDelete = roll < 0.2 ? ' on delete cascade' : roll < 0.3 ? ' on delete set null' : ''
      lines.push(`  ${ref}_id bigint${onDelete === ' on delete set null' || random() < 0.3 ? '' : ' not null'}`)
      fkLines.push(`  constraint ${t}_${ref}_fk foreign key (${ref}_id) references ${ref} (id)${onDelete}`)
    }
    lines.push('  code varchar(32) not null', '  qty integer not null default 0')
    for (const c of optional) lines.push(`  ${c.name} ${c.type}${c.extra ? ` ${c.extra}` : ''}`)
    lines.push(
      `  constraint ${t}_pkey primary key (id)`,
      `  constraint ${t}_code_key unique (code)`,
      `  constraint ${t}_qty_check check (qty >= 0)`,
      ...fkLines,
    )
    script.push(`create table ${t} (\n${lines.join(',\n')}\n);`)

    const first = fkTargets[0]
    const second = fkTargets[1]
    script.push(first !== undefined ? `create index ${t}_fk1_idx on ${t} (${tableName(first)}_id);` : `create index ${t}_qty_idx on ${t} (qty);`)
    let secondary = 1
    if (random() < 0.5) {
      secondary++
      script.push(second !== undefined ? `create index ${t}_fk2_idx on ${t} (${tableName(second)}_id, qty);` : `create index ${t}_open_idx on ${t} (code) where qty > 0;`)
    }
    script.push(`comment on table ${t} is 'Synthetic legacy table #${i} (${WORDS[i % WORDS.length]} module)';`)
    script.push(`comment on column ${t}.code is 'Business key';`)

    // One view per 20 tables, joining this table with one or two of the tables it references.
    if (i % 20 === 19 && first !== undefined) {
      const b = tableName(first)
      const joins = [`join ${b} b on b.id = a.${b}_id`]
      const cols = ['a.id', 'a.code', 'a.qty', 'b.code as b_code']
      if (second !== undefined) {
        const c = tableName(second)
        joins.push(`left join ${c} c on c.id = a.${c}_id`)
        cols.push('c.code as c_code')
      }
      script.push(`create view ${t}_v as select ${cols.join(', ')} from ${t} a ${joins.join(' ')};`)
      counts.views++
    }

    counts.tables++
    counts.columns += 3 + fkTargets.length + optional.length
    counts.foreignKeys += fkTargets.length
    counts.secondaryIndexes += secondary
    counts.indexes += 2 + secondary
    counts.uniques++
    counts.checks++

    if ((i + 1) % perTx === 0 || i === n - 1) script.push('commit;')
    if ((i + 1) % perScript === 0 || i === n - 1) {
      scripts.push(script.join('\n') + '\n')
      script = []
    }
  }
  return {counts, scripts}
}
