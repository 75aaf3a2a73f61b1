/**
 * What the split's target gets besides rows: sequence positions (forward at cut-over, reverse on
 * switch-back) and the source tables' triggers, carried disabled and enabled at cut-over.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {CARRIED_TRIGGER_MARK, NOT_CARRIED_TRIGGER_PREFIXES, type SplitSequence, type SplitSpec} from '../steps/split/generate.js'
import {ident, literal, qualified} from '../plan/quote.js'
import {relationExists} from './replication.js'

// ——— sequences ——————————————————————————————————————————————————————————————————————

async function sequenceOf(conn: Connection, seq: RelationRef | null, table: RelationRef, column: string): Promise<string | null> {
  if (seq) return qualified(seq.schema, seq.name)
  const [row] = await conn.query<{s: string | null}>(`SELECT pg_get_serial_sequence($1, $2) AS s`, [qualified(table.schema, table.name), column])
  return row?.s ?? null
}

/**
 * Set each sequence on `to` at least as far as on `from` (and past the column's largest value):
 * replication copies rows, not sequence positions, so without this the first insert after a
 * switch would reuse a key.
 */
export async function syncSequences(from: Connection, to: Connection, spec: SplitSpec, direction: 'forward' | 'reverse'): Promise<number> {
  let n = 0
  const sequences: SplitSequence[] = [...spec.sequences]
  // The outbox's identity too, when the outbox moved (it exists only at run time).
  if (await relationExists(from, spec.outbox)) sequences.push({source: null, target: null, source_table: spec.outbox, target_table: spec.outbox, column: 'id'})
  for (const s of sequences) {
    const [fromSeq, fromTable, toSeq, toTable] =
      direction === 'forward' ? [s.source, s.source_table, s.target, s.target_table] : [s.target, s.target_table, s.source, s.source_table]
    const a = await sequenceOf(from, fromSeq, fromTable, s.column)
    const b = await sequenceOf(to, toSeq, toTable, s.column)
    if (!a || !b) continue
    const [v] = await from.query<{v: string | null}>(`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END::text AS v FROM ${a}`)
    await to.query(
      `SELECT setval($1::regclass, greatest($2::bigint, (SELECT coalesce(max(${ident(s.column)})::bigint, 0) FROM ${qualified(toTable.schema, toTable.name)}), 1), true)`,
      [b, v?.v ?? '0'],
    )
    n++
  }
  return n
}

// ——— triggers carried to the target ————————————————————————————————————————————————

/**
 * Copy the triggers of the split tables (and the functions they call) from the source to the
 * target, each created DISABLED and marked: enabled at the cut-over, when the target starts
 * taking writes. Disabled until then because the copy writes as an ordinary session (an outbox
 * trigger would emit every copied row as an event again) — replication never fires them.
 * Carve's own split triggers and loose-FK triggers (which feed another context's queue on the
 * source) are not carried.
 */
export async function carryTriggers(source: Connection, target: Connection, tables: {source: RelationRef; target: RelationRef}[]): Promise<{carried: string[]; skipped: string[]}> {
  const carried: string[] = []
  const skipped: string[] = []
  for (const t of tables) {
    const rows = await source.query<{name: string; def: string; fn: string; fnschema: string; fndef: string}>(
      `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def, p.oid::regprocedure::text AS fn, n.nspname AS fnschema, pg_get_functiondef(p.oid) AS fndef
         FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE t.tgrelid = to_regclass($1) AND NOT t.tgisinternal ORDER BY t.tgname`,
      [qualified(t.source.schema, t.source.name)],
    )
    for (const r of rows) {
      const label = `${t.source.schema}.${t.source.name}.${r.name}`
      if (NOT_CARRIED_TRIGGER_PREFIXES.some((p) => r.name.startsWith(p))) {
        if (r.name.startsWith('carve_loose_fk_')) skipped.push(label)
        continue
      }
      const exists = await target.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2`, [qualified(t.target.schema, t.target.name), r.name])
      if (exists.length) continue
      const def = retargetTrigger(r.def, t.source, t.target)
      if (!def) {
        skipped.push(label)
        continue
      }
      await target.exec(`BEGIN;
CREATE SCHEMA IF NOT EXISTS ${ident(r.fnschema)};
${r.fndef};
${def};
ALTER TABLE ${qualified(t.target.schema, t.target.name)} DISABLE TRIGGER ${ident(r.name)};
COMMENT ON TRIGGER ${ident(r.name)} ON ${qualified(t.target.schema, t.target.name)} IS ${literal(CARRIED_TRIGGER_MARK)};
COMMIT;`).catch(async (error) => {
        await target.exec('ROLLBACK').catch(() => {})
        throw new CarveError('split.trigger', `trigger ${label} could not be created in ${target.database}: ${(error as Error).message}`, {
          hint: 'the trigger or its function refers to something the target lacks; move that dependency with the context or drop the trigger first',
          cause: error,
        })
      })
      carried.push(label)
    }
  }
  return {carried, skipped}
}

/** pg_get_triggerdef names the table qualified (`ON schema.name`); aim it at the target table. */
function retargetTrigger(def: string, source: RelationRef, target: RelationRef): string | null {
  const forms = [`${quoteIfNeeded(source.schema)}.${quoteIfNeeded(source.name)}`, qualified(source.schema, source.name)]
  for (const f of forms) {
    const at = def.indexOf(` ON ${f} `)
    if (at >= 0) return `${def.slice(0, at)} ON ${qualified(target.schema, target.name)} ${def.slice(at + f.length + 5)}`
  }
  return null
}

function quoteIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : ident(name)
}

/** Enable or disable the triggers carried to the target (those carrying Carve's mark). */
export async function setCarriedTriggers(conn: Connection, tables: RelationRef[], enabled: boolean): Promise<number> {
  const rows = await conn.query<{rel: string; name: string; enabled: string}>(
    `SELECT t.tgrelid::regclass::text AS rel, t.tgname AS name, t.tgenabled::text AS enabled
       FROM pg_trigger t
      WHERE t.tgrelid = ANY(SELECT to_regclass(x) FROM unnest($1::text[]) x) AND NOT t.tgisinternal
        AND obj_description(t.oid, 'pg_trigger') = $2`,
    [tables.map((t) => qualified(t.schema, t.name)), CARRIED_TRIGGER_MARK],
  )
  let n = 0
  for (const r of rows) {
    if ((r.enabled !== 'D') === enabled) continue
    await conn.exec(`ALTER TABLE ${r.rel} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${ident(r.name)}`)
    n++
  }
  return n
}
