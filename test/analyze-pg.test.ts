/** PostgreSQL statement analysis on the real parser: reads, writes, locks, joins, DDL. */
import {beforeAll, describe, expect, it} from 'vitest'

import {workloadReport} from '../src/render/workload-report.js'
import {WorkloadAggregator} from '../src/workload/aggregate.js'
import {analyzePg, analyzePgDetailed, initPgParser, SqlParseError, withUnaccounted} from '../src/workload/analyze-pg.js'
import {StatementAnalyzer} from '../src/workload/analyzer.js'
import {isSystemRelation} from '../src/workload/system-catalog.js'

beforeAll(async () => initPgParser())

const one = (sql: string) => {
  const [info] = analyzePg(sql)
  return info!
}

describe('analyzePg', () => {
  it('reads and joins of a SELECT, with schema-qualified names and aliases', () => {
    expect(one('select o.id, u.email from orders o join public.users u on u.id = o.user_id left join order_lines l using (id)')).toEqual({
      kind: 'select', reads: ['order_lines', 'orders', 'public.users'], writes: [], locks: [], ddl: [], maintenance: [],
      joins: [['order_lines', 'orders'], ['order_lines', 'public.users'], ['orders', 'public.users']],
    })
  })

  it('comma joins, derived tables and subqueries', () => {
    const info = one(`select * from a, (select x from b join c on true) d where a.id in (select id from e) and exists (select 1 from f where f.a = a.id)`)
    expect(info.reads).toEqual(['a', 'b', 'c', 'e', 'f'])
    expect(info.joins).toEqual([['a', 'b'], ['a', 'c'], ['b', 'c']])
  })

  it('writes: INSERT … SELECT, UPDATE … FROM, DELETE … USING, MERGE, COPY, TRUNCATE', () => {
    expect(one('insert into archive (id) select id from orders where status = $1 on conflict do nothing')).toMatchObject({kind: 'insert', writes: ['archive'], reads: ['orders']})
    expect(one('update payments p set status = \'paid\' from orders o where o.id = p.order_id')).toMatchObject({
      kind: 'update', writes: ['payments'], reads: ['orders'], joins: [['orders', 'payments']],
    })
    expect(one('delete from sessions s using users u where u.id = s.user_id and u.disabled')).toMatchObject({kind: 'delete', writes: ['sessions'], reads: ['users']})
    expect(one('merge into stock s using incoming i on s.sku = i.sku when matched then update set qty = i.qty when not matched then insert values (i.sku, i.qty)')).toMatchObject({
      kind: 'merge', writes: ['stock'], reads: ['incoming'],
    })
    expect(one('copy orders from stdin')).toMatchObject({kind: 'copy', writes: ['orders'], reads: []})
    expect(one('copy (select * from invoices) to stdout')).toMatchObject({kind: 'copy', writes: [], reads: ['invoices']})
    expect(one('truncate audit_log, public.sessions')).toMatchObject({kind: 'truncate', writes: ['audit_log', 'public.sessions']})
  })

  it('data-modifying CTEs write; CTE names are not tables', () => {
    const info = one(`with paid as (update orders set status = 'paid' where id = $1 returning id), x as (select * from paid)
                      select * from x join order_lines l on l.order_id = x.id`)
    expect(info.kind).toBe('select')
    expect(info.writes).toEqual(['orders'])
    expect(info.reads).toEqual(['order_lines'])
  })

  it('SELECT … FOR UPDATE locks (aliases resolved, OF list honoured)', () => {
    expect(one('select * from orders o join users u on u.id = o.user_id for update of o').locks).toEqual(['orders'])
    expect(one('select * from wallets where id = 1 for share').locks).toEqual(['wallets'])
  })

  it('DDL on tables and views', () => {
    expect(one('alter table orders add column note text')).toMatchObject({kind: 'ddl', ddl: ['orders']})
    expect(one('create index on public.orders (created_at)')).toMatchObject({kind: 'ddl', ddl: ['public.orders']})
    expect(one('drop table if exists old_log, public.tmp_x')).toMatchObject({kind: 'ddl', ddl: ['old_log', 'public.tmp_x']})
    expect(one('create view v as select * from a join b on true')).toMatchObject({kind: 'ddl', ddl: ['v'], reads: ['a', 'b']})
  })

  it('transaction control and multi-statement entries', () => {
    expect(analyzePg('BEGIN; update a set x = 1; COMMIT').map((s) => s.kind)).toEqual(['begin', 'update', 'commit'])
    expect(one('start transaction isolation level serializable').kind).toBe('begin')
    expect(one('rollback').kind).toBe('rollback')
    expect(one('set application_name = \'x\'').kind).toBe('other')
  })

  it('quoted, mixed-case, unicode and reserved names', () => {
    expect(one('select "select"."from" from "select" join "Order Lines" on true join "prix_€" on true').reads).toEqual(['Order Lines', 'prix_€', 'select'])
  })

  it('unparseable SQL throws a SqlParseError', () => {
    expect(() => analyzePg('selec * frm')).toThrow(SqlParseError)
  })
})

type Expected = {kind: string; reads?: string[]; writes?: string[]; locks?: string[]; ddl?: string[]; maintenance?: string[]; joins?: [string, string][]}

/**
 * One case per position a table can take. Each asserts the exact analysis (unlisted fields are
 * empty) and that the relation invariant holds: every RangeVar of the tree is accounted for.
 */
export const PG_CONFORMANCE: [string, string, Expected][] = [
  ['UNION: every arm read, arms not joined', 'select a from t1 union select b from t2', {kind: 'select', reads: ['t1', 't2']}],
  ['nested set operations', 'select a from t1 union (select b from t2 intersect select c from t3 join t4 on true) except all select d from t5',
    {kind: 'select', reads: ['t1', 't2', 't3', 't4', 't5'], joins: [['t3', 't4']]}],
  ['INSERT … SELECT … UNION', 'insert into t7 select a from t1 union all select b from t2', {kind: 'insert', writes: ['t7'], reads: ['t1', 't2']}],
  ['UNION inside IN (…)', 'select * from o where id in (select a from t1 union select b from t2)', {kind: 'select', reads: ['o', 't1', 't2']}],
  ['UNION inside a CTE and a derived table', 'with u as (select a from t1 union select a from t2) select * from u, (select 1 from t3 union select 2 from t4) d',
    {kind: 'select', reads: ['t1', 't2', 't3', 't4']}],
  ['scalar subquery in the target list', 'select (select max(x) from t2) from t1', {kind: 'select', reads: ['t1', 't2']}],
  ['EXISTS / NOT EXISTS, HAVING, ORDER BY subqueries', 'select k from t1 group by k having count(*) > (select count(*) from t2) order by (select 1 from t3 limit 1)',
    {kind: 'select', reads: ['t1', 't2', 't3']}],
  ['LATERAL derived table joins its block', 'select * from t1, lateral (select * from t2 where t2.a = t1.a) l', {kind: 'select', reads: ['t1', 't2'], joins: [['t1', 't2']]}],
  ['recursive CTE: its own name is not a table', 'with recursive r(n) as (select id from tree where parent is null union all select t.id from tree t join r on t.parent = r.n) select * from r',
    {kind: 'select', reads: ['tree']}],
  ['non-recursive CTE body naming itself reads the table', 'with x as (select * from x) select * from x', {kind: 'select', reads: ['x']}],
  ['data-modifying CTE with RETURNING into INSERT', 'with moved as (delete from queue where done returning *) insert into archive select * from moved',
    {kind: 'insert', writes: ['archive', 'queue']}],
  ['RETURNING with subqueries', 'update foo set f = 1 returning f in (select q from t8), exists (select 1 from t4)', {kind: 'update', writes: ['foo'], reads: ['t4', 't8']}],
  ['DELETE … RETURNING subquery', 'delete from foo returning (select 1 from t1)', {kind: 'delete', writes: ['foo'], reads: ['t1']}],
  ['ON CONFLICT DO UPDATE with a subquery', 'insert into t (k, v) values (1, 2) on conflict (k) do update set v = (select v from src where src.k = excluded.k)',
    {kind: 'insert', writes: ['t'], reads: ['src']}],
  ['CREATE TABLE AS: target written and created', 'create table snap as select * from a union select * from b', {kind: 'ddl', writes: ['snap'], ddl: ['snap'], reads: ['a', 'b']}],
  ['SELECT INTO: target written and created', 'select * into newt from a where x in (select x from b)', {kind: 'ddl', writes: ['newt'], ddl: ['newt'], reads: ['a', 'b']}],
  ['COPY (query) TO', 'copy (select * from a union select * from b) to stdout', {kind: 'copy', reads: ['a', 'b']}],
  ['MERGE with a subquery source', 'merge into stock s using (select * from incoming union select * from late) i on s.sku = i.sku when matched then update set qty = i.qty',
    {kind: 'merge', writes: ['stock'], reads: ['incoming', 'late']}],
  ['LOCK TABLE', 'lock table accounts, ledger.entries in share row exclusive mode', {kind: 'lock', locks: ['accounts', 'ledger.entries']}],
  ['TRUNCATE', 'truncate only a, s.b restart identity', {kind: 'truncate', writes: ['a', 's.b']}],
  ['VACUUM ANALYZE is maintenance, not a read', 'vacuum (analyze) a, s.b', {kind: 'maintenance', maintenance: ['a', 's.b']}],
  ['ANALYZE', 'analyze a', {kind: 'maintenance', maintenance: ['a']}],
  ['CLUSTER', 'cluster a using a_pkey', {kind: 'maintenance', maintenance: ['a']}],
  ['REINDEX TABLE', 'reindex table a', {kind: 'maintenance', maintenance: ['a']}],
  ['EXPLAIN ANALYZE analyzes the inner statement', 'explain (analyze, buffers) update a set x = (select 1 from b)', {kind: 'update', writes: ['a'], reads: ['b']}],
  ['EXPLAIN', 'explain select * from a union select * from b', {kind: 'select', reads: ['a', 'b']}],
  ['plain EXPLAIN of a write plans it: tables read, none written', 'explain update a set x = (select 1 from b)', {kind: 'select', reads: ['a', 'b']}],
  ['EXPLAIN (ANALYZE false) runs nothing either', 'explain (analyze false, costs off) delete from a using b', {kind: 'select', reads: ['a', 'b'], joins: [['a', 'b']]}],
  ['EXPLAIN (ANALYZE 1) runs it', 'explain (analyze 1) insert into a select * from b', {kind: 'insert', writes: ['a'], reads: ['b']}],
  ['DECLARE CURSOR', 'declare c cursor for select * from a join b on true', {kind: 'select', reads: ['a', 'b'], joins: [['a', 'b']]}],
  ['PREPARE', 'prepare p (int) as delete from a where id = $1 and x in (select x from b)', {kind: 'delete', writes: ['a'], reads: ['b']}],
  ['EXECUTE names no table', 'execute p(1)', {kind: 'other'}],
  ['CALL with a subquery argument', 'call archive_orders((select max(id) from orders))', {kind: 'other', reads: ['orders']}],
  ['UPDATE … FROM with a join tree', 'update p set s = 1 from o join u on u.id = o.uid where o.id = p.oid', {kind: 'update', writes: ['p'], reads: ['o', 'u'], joins: [['o', 'p'], ['o', 'u'], ['p', 'u']]}],
  ['FOR UPDATE OF an alias', 'select * from a x join b on true for update of x', {kind: 'select', reads: ['a', 'b'], locks: ['a'], joins: [['a', 'b']]}],
  ['CREATE TABLE … REFERENCES / INHERITS names its dependencies', 'create table c (id int references p(id)) inherits (base)', {kind: 'ddl', ddl: ['base', 'c', 'p']}],
  ['TABLESAMPLE is still a table of its block', 'select * from a tablesample system (10) join b on true', {kind: 'select', reads: ['a', 'b'], joins: [['a', 'b']]}],
  ['CREATE TABLE AS WITH: the CTE name is not a table', 'create temp table t on commit drop as with x as (select * from a) select * from x',
    {kind: 'ddl', writes: ['t'], ddl: ['t'], reads: ['a']}],
  ['SQL-standard function body: what it runs', 'create function f() returns int language sql begin atomic select count(*) from a; insert into b values (1); end',
    {kind: 'ddl', reads: ['a'], writes: ['b']}],
  ['CREATE RULE: DDL on its table, its actions', 'create rule r as on insert to a do also insert into b values (new.x)', {kind: 'ddl', ddl: ['a'], writes: ['b']}],
  ['system catalogs are relations like any other here', 'select * from pg_catalog.pg_class c join information_schema.tables t on true',
    {kind: 'select', reads: ['information_schema.tables', 'pg_catalog.pg_class'], joins: [['information_schema.tables', 'pg_catalog.pg_class']]}],
]

describe('analyzePg conformance per construct', () => {
  for (const [name, sql, expected] of PG_CONFORMANCE) {
    it(name, () => {
      const detailed = analyzePgDetailed(sql)
      expect(detailed).toHaveLength(1)
      expect(detailed[0]!.unaccounted).toEqual([])
      expect(detailed[0]!.walked).toEqual({reads: [], writes: [], locks: [], ddl: [], maintenance: [], joins: [], ...expected})
    })
  }

  it('a relation the walk does not place is still counted, flagged approximate', () => {
    // No analyzer gap is known, so feed the safety net a walk that missed a table.
    const walked = analyzePg('select 1 from a')[0]!
    expect(walked.approximate).toBeUndefined()
    expect(withUnaccounted(walked, ['b'])).toEqual({...walked, reads: ['a', 'b'], approximate: true})
    expect(withUnaccounted(walked, [])).toBe(walked)
  })
})

describe('system catalogs: their own workload section, not the access matrix', () => {
  const event = (sql: string, user: string) => ({sql, calls: 1, user, file: 'test.log', line: 1})

  it('isSystemRelation on PostgreSQL and MySQL', () => {
    for (const name of ['pg_class', 'pg_stat_activity', 'pg_catalog.pg_namespace', 'information_schema.tables', 'pg_toast.pg_toast_1']) {
      expect(isSystemRelation(name, 'postgres'), name).toBe(true)
    }
    for (const name of ['orders', 'public.pg_like_name_in_public', 'billing.invoices', 'page_views']) expect(isSystemRelation(name, 'postgres'), name).toBe(false)
    for (const name of ['mysql.user', 'performance_schema.events_statements_summary_by_digest', 'INFORMATION_SCHEMA.TABLES', 'sys.schema_table_statistics']) {
      expect(isSystemRelation(name, 'mysql'), name).toBe(true)
    }
    for (const name of ['orders', 'shop.pg_class', 'mysqlx']) expect(isSystemRelation(name, 'mysql'), name).toBe(false)
  })

  it('a monitoring agent reading pg_catalog and information_schema adds no tables, no joins, and a System catalogs section', async () => {
    const aggregator = new WorkloadAggregator(await StatementAnalyzer.create('postgres'))
    aggregator.add(event('select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace join orders o on true', 'agent'))
    aggregator.add(event('select * from information_schema.tables union select * from pg_stat_user_tables', 'agent'))
    aggregator.add(event('update orders set x = 1', 'app'))
    const w = aggregator.finish('postgres')
    expect(w.tables.map((t) => t.table)).toEqual(['orders'])
    expect(w.access.map((a) => `${a.service}:${a.table}`)).toEqual(['agent:orders', 'app:orders'])
    expect(w.joins).toEqual([])
    expect(w.system!.map((a) => `${a.service}:${a.table}:${a.read}`)).toEqual([
      'agent:information_schema.tables:1', 'agent:pg_class:1', 'agent:pg_namespace:1', 'agent:pg_stat_user_tables:1',
    ])
    // the statement keeps its full analysis
    expect(w.statements.find((s) => s.text.includes('pg_class'))!.reads).toEqual(['orders', 'pg_class', 'pg_namespace'])
    const report = workloadReport(w, {limit: 0})
    expect(report).toContain('System catalogs: 4')
    expect(report).toMatch(/pg_class 1/)
  })
})
