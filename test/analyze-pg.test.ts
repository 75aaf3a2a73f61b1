/** PostgreSQL statement analysis on the real parser: reads, writes, locks, joins, DDL. */
import {beforeAll, describe, expect, it} from 'vitest'

import {analyzePg, initPgParser, SqlParseError} from '../src/workload/analyze-pg.js'

beforeAll(async () => initPgParser())

const one = (sql: string) => {
  const [info] = analyzePg(sql)
  return info!
}

describe('analyzePg', () => {
  it('reads and joins of a SELECT, with schema-qualified names and aliases', () => {
    expect(one('select o.id, u.email from orders o join public.users u on u.id = o.user_id left join order_lines l using (id)')).toEqual({
      kind: 'select', reads: ['order_lines', 'orders', 'public.users'], writes: [], locks: [], ddl: [],
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
