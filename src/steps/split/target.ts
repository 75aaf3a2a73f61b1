/**
 * The split's target database DDL: tables (enums qualified, defaults that can run there),
 * indexes, constraints and the outbox, written to target.sql / target-constraints.sql.
 */

import type {Column, EnumType, Table} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {safeName, shortHash} from '../../plan/context.js'
import {doBlock, dollarQuote, ident, literal, qualified, sqlComment} from '../../plan/quote.js'
import {header} from '../common.js'
import {HEARTBEAT_TABLE, NEXTVAL, printedForms, type SplitSpec, splitTables, UPSERT_TRIGGER} from './spec.js'

export function enumOfType(type: string, enums: EnumType[]): {enum: EnumType; suffix: string} | null {
  const m = /^(.*?)((?:\[\])*)$/.exec(type)!
  const bare = m[1]!
  for (const e of enums) if (printedForms(e.schema, e.name).includes(bare)) return {enum: e, suffix: m[2]!}
  return null
}

/** A column's type as the target must spell it: enums qualified (they are created in their source schema). */
export function targetType(column: Column, enums: EnumType[]): string {
  const e = enumOfType(column.type, enums)
  return e ? `${qualified(e.enum.schema, e.enum.name)}${e.suffix}` : column.type
}

/**
 * Functions a default may call on the target: built-ins that need nothing from the source.
 * Anything else (the application's functions, other schemas' objects) is left out, with a note.
 */
const PORTABLE_FUNCTIONS = new Set([
  'now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'timeofday', 'gen_random_uuid', 'random',
  'current_timestamp', 'current_date', 'current_time', 'localtimestamp', 'localtime', 'current_user', 'session_user',
  'lower', 'upper', 'length', 'array', 'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array',
  'to_jsonb', 'to_json', 'date_trunc', 'make_interval', 'timezone', 'coalesce', 'nullif', 'greatest', 'least', 'uuid_generate_v4',
])

export function portableDefault(text: string, enums: EnumType[]): {ok: true; sql: string} | {ok: false; reason: string} {
  // Enum casts print as 'x'::order_status: qualify them the way the target creates the type.
  let sql = text.replace(/::((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)((?:\[\])*)/g, (whole, type: string, suffix: string) => {
    const e = enumOfType(type + suffix, enums)
    return e ? `::${qualified(e.enum.schema, e.enum.name)}${e.suffix}` : whole
  })
  const bare = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"\s*\./g, 'x.')
  if (/nextval\s*\(/i.test(bare)) return {ok: false, reason: 'uses a sequence the plan could not resolve'}
  for (const m of bare.matchAll(/([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*\(/g)) {
    const fn = m[1]!.toLowerCase()
    if (fn.includes('.') && !fn.startsWith('pg_catalog.')) return {ok: false, reason: `calls ${m[1]}`}
    if (!PORTABLE_FUNCTIONS.has(fn.replace(/^pg_catalog\./, '')) && !/^(character|varying|numeric|timestamp|time|interval|bit|varchar|char|decimal)$/.test(fn)) {
      return {ok: false, reason: `calls ${m[1]}()`}
    }
  }
  sql = sql.trim()
  return {ok: true, sql}
}

/** CREATE INDEX text from pg_get_indexdef, re-aimed at the target table. */
export function retargetIndex(definition: string, name: string, target: string): string | null {
  const m = /^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON (?:ONLY )?(?:(?:"(?:[^"]|"")+"|[^\s."]+)\.)?(?:"(?:[^"]|"")+"|[^\s."]+) USING (.*)$/s.exec(definition)
  if (!m) return null
  return `CREATE ${m[1] ?? ''}INDEX IF NOT EXISTS ${ident(name)} ON ${target} USING ${m[2]}`
}

export interface TargetDdl {
  main: string
  constraints: string
  outbox: string
}

export function targetSql(ctx: ContextSpec, input: PlanInput, spec: SplitSpec): TargetDdl {
  const tables = splitTables(ctx)
  const enums = input.catalog.enums
  const meta = spec.meta_schema
  const schemas = new Set<string>([ctx.schema])
  const usedEnums = new Map<string, EnumType>()
  for (const {table} of tables) {
    for (const c of table.columns) {
      const e = enumOfType(c.type, enums)
      if (e) usedEnums.set(`${e.enum.schema}\u0000${e.enum.name}`, e.enum)
    }
  }
  for (const e of usedEnums.values()) schemas.add(e.schema)
  const notes: string[] = []
  const creates: string[] = []
  const constraints: string[] = []
  const comments: string[] = []
  const upserts: string[] = []
  const inSplit = new Set(tables.map((t) => `${t.table.schema}\u0000${t.table.name}`))
  for (const {table} of tables) {
    const target = qualified(ctx.schema, table.name)
    const lines: string[] = []
    const sequences: string[] = []
    for (const c of table.columns) {
      let line = `  ${ident(c.name)} ${targetType(c, enums)}`
      if (c.generated) {
        line += ` GENERATED ALWAYS AS (${c.generated.replace(/^\((.*)\)$/s, '$1')}) STORED`
      } else if (c.identity === 'always' || c.identity === 'by default') {
        line += ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`
      } else if (c.default) {
        const m = NEXTVAL.exec(c.default)
        const seq = m ? spec.sequences.find((s) => s.target_table.name === table.name && s.column === c.name && s.target) : undefined
        if (seq?.target) {
          const source = input.catalog.sequences.find((s) => s.name === seq.target!.name)
          sequences.push(`CREATE SEQUENCE IF NOT EXISTS ${qualified(seq.target.schema, seq.target.name)}${source ? ` AS ${source.dataType}` : ''};`)
          line += ` DEFAULT nextval(${literal(qualified(seq.target.schema, seq.target.name))}::regclass)`
        } else {
          const d = portableDefault(c.default, enums)
          if (d.ok) line += ` DEFAULT ${d.sql}`
          else notes.push(`${table.name}.${c.name}: default \`${c.default}\` left out (${d.reason}); the owner's service must supply the value`)
        }
      }
      if (!c.nullable) line += ' NOT NULL'
      lines.push(line)
      if (c.comment) comments.push(`COMMENT ON COLUMN ${target}.${ident(c.name)} IS ${literal(c.comment)};`)
    }
    if (table.primaryKey.length) {
      lines.push(`  CONSTRAINT ${ident(table.primaryKeyName ?? `${table.name}_pkey`)} PRIMARY KEY (${table.primaryKey.map(ident).join(', ')})`)
    }
    for (const ch of table.checks) lines.push(`  CONSTRAINT ${ident(ch.name)} ${ch.expression.replace(/\s+NOT VALID$/, '')}`)
    creates.push(`${sequences.join('\n')}${sequences.length ? '\n' : ''}CREATE TABLE ${target} (\n${lines.join(',\n')}\n);`)
    for (const seq of spec.sequences) {
      if (seq.target_table.name === table.name && seq.target && table.columns.some((c) => c.name === seq.column && c.default && NEXTVAL.test(c.default))) {
        creates.push(`ALTER SEQUENCE ${qualified(seq.target.schema, seq.target.name)} OWNED BY ${target}.${ident(seq.column)};`)
      }
    }
    if (table.comment) comments.push(`COMMENT ON TABLE ${target} IS ${literal(table.comment)};`)
    if (table.kind === 'partitioned') notes.push(`${table.name} is partitioned on the source; the target holds it as one plain table (changes are published through the partition root)`)

    // Deferred: unique constraints, other indexes, foreign keys between the context's own tables.
    for (const u of table.uniques) constraints.push(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(u.name)} UNIQUE (${u.columns.map(ident).join(', ')});`)
    const constraintIndexes = new Set([...table.uniques.map((u) => u.name), table.primaryKeyName ?? ''])
    for (const ix of table.indexes) {
      if (ix.primary || constraintIndexes.has(ix.name)) continue
      const sql = ix.definition ? retargetIndex(ix.definition, ix.name, target) : null
      if (sql) constraints.push(`${sql};`)
      else notes.push(`${table.name}: index ${ix.name} could not be recreated from its definition`)
    }
    for (const fk of table.foreignKeys) {
      if (!inSplit.has(`${fk.refSchema}\u0000${fk.refTable}`)) continue
      constraints.push(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${fk.columns.map(ident).join(', ')}) REFERENCES ${qualified(ctx.schema, fk.refTable)} (${fk.refColumns.map(ident).join(', ')}) ON UPDATE ${fk.onUpdate.toUpperCase()} ON DELETE ${fk.onDelete.toUpperCase()}${fk.deferrable ? ' DEFERRABLE' : ''} NOT VALID;`)
    }
    if (table.primaryKey.length) upserts.push(upsertTrigger(meta, ctx.schema, table))
    // Published back to the source after the cut-over: without a key, whole rows identify them.
    else creates.push(`ALTER TABLE ${target} REPLICA IDENTITY FULL;`)
  }
  const enumSql = [...usedEnums.values()]
    .sort((a, b) => (a.schema + a.name < b.schema + b.name ? -1 : 1))
    .map((e) => `CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${e.values.map(literal).join(', ')});`)
  const grants = doBlock(`
BEGIN
  -- Roles are cluster-wide: the owner's role (created by the service-roles step) also owns the copy.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(ctx.role)}) THEN
    GRANT USAGE ON SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(ctx.schema)} TO ${ident(ctx.role)};
  END IF;
END`)
  // Expressions (checks, defaults, index predicates) were printed for a session whose search_path
  // found the enum types unqualified; the scripts run with the same path (SET LOCAL: one transaction).
  const path = `SET LOCAL search_path = ${[...new Set([...[...usedEnums.values()].map((e) => e.schema).sort(), 'public'])].map(ident).join(', ')};`
  const main = `${header(`Target database of context ${ctx.name}: run by split-prepare in database ${spec.target_database}`, ['in one transaction; constraints that a copy in batches would trip are in target-constraints.sql'])}${notes.length ? `${notes.map((n) => sqlComment(`note: ${n}`)).join('\n')}\n` : ''}
${[...schemas].sort().map((s) => `CREATE SCHEMA IF NOT EXISTS ${ident(s)};`).join('\n')}
${path}
CREATE SCHEMA IF NOT EXISTS ${ident(meta)};
${enumSql.join('\n')}${enumSql.length ? '\n' : ''}
${creates.join('\n\n')}
${comments.join('\n')}${comments.length ? '\n' : ''}
${heartbeatTable(meta, ctx.name)}

-- Replica-only triggers for the catch-up after a copy in batches (see split-sync's README): a
-- replayed insert of a row the copy already has becomes an update; an update that moves a key
-- onto a copied row replaces it. ENABLE REPLICA: they fire for the apply worker only, never for
-- sessions. The cut-over drops them.
${upserts.join('\n\n')}

${grants}
`
  const constraintsSql = `${header(`Constraints of context ${ctx.name} in database ${spec.target_database}`, ['created by split-sync once the target has caught up with the source, in one transaction'])}${path}
${constraints.length ? constraints.join('\n') : 'SELECT 1;'}
`
  const ob = qualified(spec.outbox.schema, spec.outbox.name)
  const outbox = `${header(`The outbox of context ${ctx.name} in database ${spec.target_database}`, ['run by split-prepare only when the source has the outbox; PostgreSQL copies its rows'])}
CREATE TABLE IF NOT EXISTS ${ob} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
${doBlock(`
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(ctx.role)}) THEN
    GRANT SELECT, DELETE ON ${ob} TO ${ident(ctx.role)};
  END IF;
END`)}
`
  return {main, constraints: constraintsSql, outbox}
}

export function heartbeatTable(meta: string, context: string): string {
  const hb = qualified(meta, HEARTBEAT_TABLE)
  return `-- Carve's heartbeat: a row per context bumped on the source; when the bump arrives here, every
-- change committed before it has been applied (replication applies in commit order).
CREATE TABLE IF NOT EXISTS ${hb} (
  context text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  at timestamptz NOT NULL DEFAULT now(),
  cutover_at timestamptz
);
INSERT INTO ${hb} (context) VALUES (${literal(context)}) ON CONFLICT (context) DO NOTHING;`
}

export function upsertTrigger(meta: string, schema: string, table: Table): string {
  const target = qualified(schema, table.name)
  const fn = qualified(meta, safeName(`split_upsert_${schema}_${table.name}_${shortHash(`${schema}.${table.name}`).slice(0, 6)}`))
  const pk = table.primaryKey.map(ident)
  const keyMatch = (row: string) => (pk.length === 1 ? `${pk[0]} = ${row}.${pk[0]}` : `(${pk.join(', ')}) = (${pk.map((c) => `${row}.${c}`).join(', ')})`)
  const keyDiffers = pk.length === 1 ? `NEW.${pk[0]} IS DISTINCT FROM OLD.${pk[0]}` : `(${pk.map((c) => `NEW.${c}`).join(', ')}) IS DISTINCT FROM (${pk.map((c) => `OLD.${c}`).join(', ')})`
  const settable = table.columns.filter((c) => !c.generated && c.identity !== 'always' && !table.primaryKey.includes(c.name)).map((c) => ident(c.name))
  const update = settable.length
    ? `UPDATE ${target} SET (${settable.join(', ')}) = ROW(${settable.map((c) => `NEW.${c}`).join(', ')}) WHERE ${keyMatch('NEW')};
    IF FOUND THEN
      RETURN NULL;
    END IF;`
    : `IF EXISTS (SELECT 1 FROM ${target} WHERE ${keyMatch('NEW')}) THEN
      RETURN NULL;
    END IF;`
  const body = `
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${update}
  ELSIF ${keyDiffers} THEN
    DELETE FROM ${target} WHERE ${keyMatch('NEW')};
  END IF;
  RETURN NEW;
END`
  return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)};
CREATE TRIGGER ${ident(UPSERT_TRIGGER)} BEFORE INSERT OR UPDATE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}();
ALTER TABLE ${target} ENABLE REPLICA TRIGGER ${ident(UPSERT_TRIGGER)};`
}

// ——— source side SQL ————————————————————————————————————————————————————————————————
