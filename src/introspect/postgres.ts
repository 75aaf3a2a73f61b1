import {CarveError} from '../errors.js'
import type {Connection} from '../db/connection.js'
import type {CatalogReader, RawCatalog} from './driver.js'
import type {FunctionInfo, Sequence} from './model.js'
import {
  attachColumns, attachConstraints, attachIndexes, attachTriggers, attachViewDependencies, collectRelations,
  type ColumnRow, type ConstraintRow, type IndexRow, type RelationRow, relationKey, type TriggerRow, type ViewDependencyRow,
} from './postgres-rows.js'

/*
 * PostgreSQL (and PGlite) catalog reader: ten pg_catalog queries, whatever the number of tables.
 *
 * Every query aggregates its rows into one JSON document on the server. That keeps the row
 * shape identical between node-postgres and PGlite (no per-driver type parsers for name[],
 * int8 or oidvector) and costs one round trip per query.
 */

/** Objects that belong to an extension are not the application's schema. */
const NOT_EXTENSION_MEMBER = (classTable: string, alias: string) =>
  `not exists (select 1 from pg_depend e where e.classid = '${classTable}'::regclass and e.objid = ${alias}.oid and e.deptype = 'e')`

const SCHEMAS_SQL = `
select coalesce(json_agg(n.nspname order by n.nspname), '[]')::text as j
from pg_namespace n
where n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  and ${NOT_EXTENSION_MEMBER('pg_namespace', 'n')}`

/**
 * Relation oids are returned as numbers (`::int8`) by every query that needs them, so columns,
 * constraints and indexes attach to their table by oid, and key column numbers (conkey, confkey,
 * indkey) become names in Node from the columns query instead of a subselect per constraint.
 */

/** Exact on-disk sizes, each relation's computed once (a partition is also in its parent's sum). */
const RELATIONS_SQL = `
with rel as materialized (
  select c.oid, c.relname, c.relnamespace, c.relkind, c.reltuples, c.relispartition, c.relispopulated
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm') and n.nspname = any($1::text[])
    and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}
), sized as materialized (
  select x.oid, pg_total_relation_size(x.oid) as size from (
    select oid from rel where relkind in ('r', 'm')
    union
    select i.inhrelid from rel join pg_inherits i on i.inhparent = rel.oid where rel.relkind = 'p'
  ) x
), partsize as (
  select i.inhparent as oid, sum(s.size)::float8 as size
  from rel join pg_inherits i on i.inhparent = rel.oid join sized s on s.oid = i.inhrelid
  where rel.relkind = 'p' group by i.inhparent
)
select coalesce(json_agg(json_build_object(
  'oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
  'comment', d.description,
  'rows', case when c.relkind = 'p' then
            (select case when bool_and(p.reltuples >= 0) then sum(p.reltuples) end
               from pg_inherits i join pg_class p on p.oid = i.inhrelid where i.inhparent = c.oid)
          else c.reltuples::float8 end,
  'size', case when c.relkind = 'p' then ps.size when c.relkind in ('r', 'm') then s.size::float8 end,
  'partkey', case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end,
  'partitions', case when c.relkind = 'p' then
            (select json_agg(json_build_object('schema', pn.nspname, 'name', pc.relname) order by pn.nspname, pc.relname)
               from pg_inherits i join pg_class pc on pc.oid = i.inhrelid join pg_namespace pn on pn.oid = pc.relnamespace
              where i.inhparent = c.oid) end,
  'parent', case when c.relispartition then
            (select json_build_object('schema', pn.nspname, 'name', pc.relname)
               from pg_inherits i join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
              where i.inhrelid = c.oid limit 1) end,
  'viewdef', case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end,
  'populated', case when c.relkind = 'm' then c.relispopulated end
) order by n.nspname, c.relname), '[]')::text as j
from rel c join pg_namespace n on n.oid = c.relnamespace
left join pg_description d on d.objoid = c.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0
left join sized s on s.oid = c.oid
left join partsize ps on ps.oid = c.oid`

/**
 * Ordered by relation and attnum: only the order within a relation matters. Columns, constraints
 * and indexes are the three large results (a 1,000-table schema: ~8,000 columns, ~6,000
 * constraints, ~3,500 indexes), so their rows are positional arrays, not objects: the repeated
 * key names were half of the text the server built, sent and Node parsed.
 *
 * A default is deparsed without its relation (pg_get_expr(…, 0)): given a relation, pg_get_expr
 * opens it to name its columns, and a fresh session builds the relation cache entry of every
 * table that has a default — most of this query's server time (1,000 tables: 100–170 ms of
 * 110–280). A default cannot reference a column, so the text is the same; a generation
 * expression can, and keeps its relation.
 * [rel, attnum, name, type, notnull, default or generation expression, identity, generated, comment]
 */
const COLUMNS_SQL = `
select coalesce(json_agg(json_build_array(a.attrelid::int8, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
         case when a.attgenerated = '' then pg_get_expr(d.adbin, 0) else pg_get_expr(d.adbin, d.adrelid) end,
         a.attidentity, a.attgenerated, ds.description) order by a.attrelid, a.attnum), '[]')::text as j
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  left join pg_description ds on ds.objoid = a.attrelid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum
  where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm')
    and n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`

/**
 * Constraints inherited from a partitioned parent are reported once, on the parent. The
 * referenced columns' names come from the server only when the referenced table is outside the
 * columns query (another schema, or an extension's table).
 * [rel, name, type, keys, refRel, refKeys, refSchema, refTable, refColumns, onDelete, onUpdate,
 *  deferrable, validated, check definition]
 */
const CONSTRAINTS_SQL = `
select coalesce(json_agg(json_build_array(
  con.conrelid::int8, con.conname, con.contype,
  case when con.contype <> 'c' then con.conkey end,
  case when con.contype = 'f' then con.confrelid::int8 end, con.confkey,
  fn.nspname, fc.relname,
  case when con.contype = 'f' and (fn.nspname <> all($1::text[]) or not ${NOT_EXTENSION_MEMBER('pg_class', 'fc')}) then
    (select json_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) end,
  con.confdeltype, con.confupdtype, con.condeferrable, con.convalidated,
  case when con.contype = 'c' then pg_get_constraintdef(con.oid) end
) order by n.nspname, c.relname, con.conname), '[]')::text as j
from pg_constraint con
join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = con.confrelid left join pg_namespace fn on fn.oid = fc.relnamespace
where con.contype in ('p', 'u', 'c', 'f') and con.conparentid = 0 and con.conislocal
  and n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`

/**
 * Key columns only (the first indnkeyatts of indkey; INCLUDE columns follow them). An expression
 * column has attnum 0 in indkey: its text is asked of the server only for indexes that have one.
 *
 * The definition of a plain index (key columns only, each with its type's default operator
 * class, its column's collation and no ordering option; no expression, predicate, INCLUDE,
 * storage or operator class parameter, NULLS NOT DISTINCT) is spelled here the way
 * pg_get_indexdef spells it: "CREATE [UNIQUE ]INDEX name ON [ONLY ]schema.table USING method
 * (col, …)". pg_get_indexdef costs ~80 µs of server time per index in a fresh session (it looks
 * for the type's default operator class by scanning pg_opclass for each key column, and opens
 * the table): 1,000 tables, 3,500 indexes, ~30% of this query. A column whose type has no
 * default class of its own (varchar, indexed with text_ops) gets the one GetDefaultOpClass
 * picks: the default class of a preferred type of the same category that the type converts to
 * without a function, when there is exactly one. Any other index is left to pg_get_indexdef.
 * [rel, name, unique, primary, method, predicate, definition, keys, nkeys, expressions]
 */
const INDEXES_SQL = (major: number) => `
with keys as (
  select k.indexrelid, k.ord, k.opclass, k.coll, k.opt, ic.relam as am, a.attname, a.atttypid, a.attcollation, t.typtype, t.typcategory
  from (select i.indexrelid, i.indrelid, u.*
          from pg_index i, unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[], i.indoption::int2[])
                           with ordinality u(attnum, opclass, coll, opt, ord)
         where i.indexprs is null and i.indpred is null and i.indnatts = i.indnkeyatts
           ${major >= 15 ? 'and not i.indnullsnotdistinct' : ''}) k
  join pg_class ic on ic.oid = k.indexrelid
  left join pg_attribute a on a.attrelid = k.indrelid and a.attnum = k.attnum
  left join pg_type t on t.oid = a.atttypid
), coerced as (
  -- GetDefaultOpClass for a type without a default class of its own: the only default class whose
  -- input is a preferred type of the same category that it converts to without a function.
  select x.am, x.atttypid, min(o.oid) as opclass, count(*) as candidates
  from (select distinct am, atttypid, typcategory from keys where typtype <> 'd') x
  join pg_opclass o on o.opcmethod = x.am and o.opcdefault
  join pg_type ot on ot.oid = o.opcintype and ot.typispreferred and ot.typcategory = x.typcategory
  join pg_cast c on c.castsource = x.atttypid and c.casttarget = o.opcintype and c.castmethod = 'b' and c.castcontext = 'i'
  where not exists (select from pg_opclass e where e.opcmethod = x.am and e.opcdefault and e.opcintype = x.atttypid)
  group by x.am, x.atttypid
), plain as (
  select k.indexrelid, string_agg(quote_ident(k.attname), ', ' order by k.ord) as columns,
         bool_and(coalesce(k.typtype <> 'd' and k.opt = 0 and (k.coll = 0 or k.coll = k.attcollation)
                           and ((o.opcdefault and o.opcintype = k.atttypid) or (cc.candidates = 1 and cc.opclass = k.opclass)), false))
           and count(k.attname) = count(*) as plain
  from keys k
  left join pg_opclass o on o.oid = k.opclass
  left join coerced cc on cc.am = k.am and cc.atttypid = k.atttypid
  group by k.indexrelid
)
select coalesce(json_agg(json_build_array(
  i.indrelid::int8, ic.relname, i.indisunique, i.indisprimary, am.amname,
  pg_get_expr(i.indpred, i.indrelid),
  case when p.plain then 'CREATE ' || case when i.indisunique then 'UNIQUE ' else '' end || 'INDEX ' || quote_ident(ic.relname)
         || ' ON ' || case when ic.relkind = 'I' then 'ONLY ' else '' end || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
         || ' USING ' || quote_ident(am.amname) || ' (' || p.columns || ')'
       else pg_get_indexdef(i.indexrelid) end,
  i.indkey::int2[], i.indnkeyatts,
  case when 0 = any(i.indkey::int2[]) then
    (select json_agg(case when k.attnum = 0 then pg_get_indexdef(i.indexrelid, k.ord::int, true) end order by k.ord)
       from unnest(i.indkey::int2[]) with ordinality k(attnum, ord) where k.ord <= i.indnkeyatts) end
) order by n.nspname, c.relname, ic.relname), '[]')::text as j
from pg_index i
join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
left join plain p on p.indexrelid = i.indexrelid and ic.reloptions is null
  and not exists (select from pg_attribute x where x.attrelid = i.indexrelid and x.attoptions is not null)
where c.relkind in ('r', 'p', 'm') and n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`

/** A view's dependencies are recorded against its rewrite rule. */
const VIEW_DEPENDENCIES_SQL = `
select coalesce(json_agg(distinct jsonb_build_object('schema', vn.nspname, 'view', v.relname, 'refSchema', tn.nspname, 'refName', t.relname)), '[]')::text as j
from pg_rewrite r
join pg_class v on v.oid = r.ev_class join pg_namespace vn on vn.oid = v.relnamespace
join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
                and d.refclassid = 'pg_class'::regclass and d.refobjid <> v.oid
join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
where v.relkind in ('v', 'm') and vn.nspname = any($1::text[])`

const TRIGGERS_SQL = (major: number) => `
select coalesce(json_agg(json_build_object(
  'schema', n.nspname, 'table', c.relname, 'name', t.tgname, 'definition', pg_get_triggerdef(t.oid),
  'type', t.tgtype, 'enabled', t.tgenabled <> 'D', 'functionSchema', pn.nspname, 'function', p.proname
) order by n.nspname, c.relname, t.tgname), '[]')::text as j
from pg_trigger t
join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
where not t.tgisinternal ${major >= 13 ? 'and t.tgparentid = 0' : ''}
  and n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`

const FUNCTIONS_SQL = `
select coalesce(json_agg(json_build_object(
  'schema', n.nspname, 'name', p.proname, 'arguments', pg_get_function_arguments(p.oid),
  'returns', coalesce(pg_get_function_result(p.oid), ''), 'language', l.lanname, 'kind', p.prokind
) order by n.nspname, p.proname, pg_get_function_arguments(p.oid)), '[]')::text as j
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
where n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_proc', 'p')}`

/** Serial sequences depend on their column with deptype 'a', identity sequences with 'i'. */
const SEQUENCES_SQL = `
select coalesce(json_agg(json_build_object(
  'schema', n.nspname, 'name', c.relname, 'dataType', format_type(s.seqtypid, null),
  'ownerSchema', tn.nspname, 'ownerTable', t.relname, 'ownerColumn', a.attname
) order by n.nspname, c.relname), '[]')::text as j
from pg_sequence s
join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = c.oid
                     and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
left join pg_class t on t.oid = d.refobjid left join pg_namespace tn on tn.oid = t.relnamespace
left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
where n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`

const ENUMS_SQL = `
select coalesce(json_agg(json_build_object(
  'schema', n.nspname, 'name', t.typname,
  'values', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)
) order by n.nspname, t.typname), '[]')::text as j
from pg_type t join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'e' and n.nspname = any($1::text[]) and ${NOT_EXTENSION_MEMBER('pg_type', 't')}`

async function json<T>(conn: Connection, sql: string, params: unknown[] = []): Promise<T> {
  const [row] = await conn.query<{j: string}>(sql, params)
  return JSON.parse(row?.j ?? '[]') as T
}

/** The schemas to read: those asked for (all must exist), or every user schema. */
function chooseSchemas(available: string[], asked: string[] | undefined): string[] {
  if (!asked?.length) return available
  const missing = asked.filter((s) => !available.includes(s))
  if (missing.length) {
    throw new CarveError('inspect.schema', `schema${missing.length > 1 ? 's' : ''} not found: ${missing.map((s) => JSON.stringify(s)).join(', ')}`, {
      hint: `this database has: ${available.map((s) => JSON.stringify(s)).join(', ') || '(no user schemas)'}`,
    })
  }
  return [...asked].sort()
}

export const readPostgresCatalog: CatalogReader = async (conn, options) => {
  // Sent before the second session is opened, so that session's start-up overlaps this round
  // trip. Handled at once (and awaited below): a failure must not surface as an unhandled rejection.
  const listing = json<string[]>(conn, SCHEMAS_SQL)
  listing.catch(() => {})
  let schemas: string[] = []
  // Each query is sent as soon as the previous one on its session returns, before Node parses
  // that one's JSON: the server runs the next query while the client parses. On a server the
  // queries run on two sessions sharing one snapshot (the heavy ones split between them);
  // PGlite has one session, so they run one after the other there.
  const texts = [
    RELATIONS_SQL, COLUMNS_SQL, CONSTRAINTS_SQL, INDEXES_SQL(conn.serverMajor), VIEW_DEPENDENCIES_SQL, TRIGGERS_SQL(conn.serverMajor),
    FUNCTIONS_SQL, SEQUENCES_SQL, ENUMS_SQL,
  ]
  // Lanes balance the server's work in two fresh sessions. Relations (exact sizes: a relation
  // cache entry for every table, index and TOAST table) cost the most; constraints follow them on
  // their session, where the CHECK definitions deparsed find those tables already open. Columns
  // and indexes, which open no table, take the other.
  const LANE = [0, 1, 0, 1, 1, 0, 0, 1, 1]
  const runAll = (lanes: Connection['query'][]) => {
    const p = [schemas]
    const previous: Promise<unknown>[] = lanes.map(() => Promise.resolve())
    return texts.map((sql, i) => {
      const lane = LANE[i]! % lanes.length
      const result = previous[lane]!.then(() => lanes[lane]!<{j: string}>(sql, p))
      previous[lane] = result
      return result
    })
  }
  const parseAll = (pending: Promise<{j: string}[]>[]) => Promise.all(pending.map((text) => text.then(([row]) => JSON.parse(row?.j ?? '[]') as unknown)))
  const readAll = async (lanes: Connection['query'][]) => {
    schemas = chooseSchemas(await listing, options.schemas)
    return parseAll(runAll(lanes))
  }
  const parsed = conn.withSecondSession
    ? await conn.withSecondSession((second) => readAll([conn.query.bind(conn), second]))
    : await readAll([conn.query.bind(conn)])
  const [relationRows, columns, constraints, indexes, viewDeps, triggers, functions, sequences, enums] = parsed as [
    RelationRow[], ColumnRow[], ConstraintRow[], IndexRow[], ViewDependencyRow[],
    TriggerRow[],
    (Omit<FunctionInfo, 'kind' | 'usedByTriggers'> & {kind: string})[],
    {schema: string; name: string; dataType: string; ownerSchema: string | null; ownerTable: string | null; ownerColumn: string | null}[],
    {schema: string; name: string; values: string[] | null}[],
  ]

  const relations = collectRelations(relationRows)
  const attnames = attachColumns(columns, relations)
  attachConstraints(constraints, relations.tablesByOid, attnames)
  attachIndexes(indexes, relations.tablesByOid, attnames)
  attachViewDependencies(viewDeps, relations.views)
  const triggersByFunction = attachTriggers(triggers, relations.tables)

  const catalog: RawCatalog = {
    database: {
      engine: 'postgres', flavor: conn.flavor, serverVersion: conn.serverVersion, serverMajor: conn.serverMajor, name: conn.database,
    },
    schemas,
    tables: [...relations.tables.values()],
    views: [...relations.views.values()],
    functions: functions.map((f) => ({
      ...f,
      kind: f.kind === 'p' ? 'procedure' : f.kind === 'a' ? 'aggregate' : f.kind === 'w' ? 'window' : 'function',
      usedByTriggers: (triggersByFunction.get(relationKey(f.schema, f.name)) ?? []).sort(),
    })),
    sequences: sequences.map((s): Sequence => ({
      schema: s.schema, name: s.name, dataType: s.dataType,
      ownedBy: s.ownerTable && s.ownerColumn && s.ownerSchema ? {schema: s.ownerSchema, table: s.ownerTable, column: s.ownerColumn} : null,
    })),
    enums: enums.map((e) => ({schema: e.schema, name: e.name, values: e.values ?? []})),
  }
  return catalog
}
