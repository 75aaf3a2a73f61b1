/** MySQL / MariaDB statement analysis on node-sql-parser's AST: reads, writes, locks, joins, DDL. */
import {describe, expect, it} from 'vitest'

import {SqlParseError} from '../src/workload/analyze-pg.js'
import {workloadReport} from '../src/render/workload-report.js'
import {WorkloadAggregator} from '../src/workload/aggregate.js'
import {analyzeMysql, analyzeMysqlDetailed} from '../src/workload/analyze-mysql.js'
import {StatementAnalyzer} from '../src/workload/analyzer.js'

for (const flavor of ['mysql', 'mariadb'] as const) {
  const one = (sql: string) => {
    const infos = analyzeMysql(sql, flavor)
    expect(infos).toHaveLength(1)
    return infos[0]!
  }

  describe(`analyzeMysql (${flavor})`, () => {
    it('reads and joins of a SELECT, with db-qualified names and aliases', () => {
      expect(one('select o.id, u.email from orders o join shop.users u on u.id = o.user_id left join order_lines l using (id)')).toEqual({
        kind: 'select', reads: ['order_lines', 'orders', 'shop.users'], writes: [], locks: [], ddl: [], maintenance: [],
        joins: [['order_lines', 'orders'], ['order_lines', 'shop.users'], ['orders', 'shop.users']],
      })
    })

    it('comma joins, derived tables and subqueries', () => {
      const info = one('select * from a, (select x from b join c on true) d where a.id in (select id from e) and exists (select 1 from f where f.a = a.id)')
      expect(info.reads).toEqual(['a', 'b', 'c', 'e', 'f'])
      expect(info.joins).toEqual([['a', 'b'], ['a', 'c'], ['b', 'c']])
    })

    it('a UNION is not a join (node-sql-parser reads `a UNION (SELECT … b)` as a FROM item)', () => {
      expect(one('select id from a union all (select id from b order by id limit 1)')).toMatchObject({reads: ['a', 'b'], joins: []})
      expect(one('select id from a union select id from b')).toMatchObject({reads: ['a', 'b'], joins: []})
    })

    it('writes: INSERT … SELECT, ON DUPLICATE KEY UPDATE, REPLACE, INSERT … SET, UPDATE, DELETE, TRUNCATE, LOAD DATA', () => {
      expect(one('insert into archive (id) select id from orders where status = ? on duplicate key update id = values(id)')).toMatchObject({
        kind: 'insert', writes: ['archive'], reads: ['orders'],
      })
      expect(one("insert into stock (sku, qty) values ('a', 1) on duplicate key update qty = qty + (select count(*) from incoming)")).toMatchObject({
        kind: 'insert', writes: ['stock'], reads: ['incoming'],
      })
      expect(one('replace into shop.settings (k, v) values (1, 2)')).toMatchObject({kind: 'insert', writes: ['shop.settings'], reads: []})
      expect(one('replace into t (a) select a from u')).toMatchObject({kind: 'insert', writes: ['t'], reads: ['u']})
      expect(one('insert into t set a = (select max(x) from c)')).toMatchObject({kind: 'insert', writes: ['t'], reads: ['c']})
      expect(one('insert low_priority ignore into t values (1)')).toMatchObject({kind: 'insert', writes: ['t']})
      expect(one('update orders set status = (select max(s) from statuses) where id in (select order_id from lines)')).toMatchObject({
        kind: 'update', writes: ['orders'], reads: ['lines', 'statuses'],
      })
      expect(one('update low_priority ignore orders set status = 1 where id = 2 order by id limit 1')).toMatchObject({kind: 'update', writes: ['orders'], reads: []})
      expect(one('delete from shop.sessions where id = 1')).toMatchObject({kind: 'delete', writes: ['shop.sessions'], reads: []})
      expect(one('delete quick ignore from sessions where id = 1')).toMatchObject({kind: 'delete', writes: ['sessions']})
      expect(one('truncate table audit_log')).toMatchObject({kind: 'truncate', writes: ['audit_log']})
      expect(one('truncate shop.sessions')).toMatchObject({kind: 'truncate', writes: ['shop.sessions']})
      expect(one("load data local infile '/tmp/x.csv' replace into table shop.imports fields terminated by ','")).toMatchObject({kind: 'copy', writes: ['shop.imports']})
    })

    it('multi-table UPDATE: only the tables whose columns are SET are written, the others read', () => {
      expect(one("update payments p join orders o on o.id = p.order_id set p.status = 'paid' where o.id = 1")).toEqual({
        kind: 'update', reads: ['orders'], writes: ['payments'], locks: [], ddl: [], maintenance: [], joins: [['orders', 'payments']],
      })
      // the table written may come second in the list
      expect(one("update orders o join payments p on o.id = p.order_id set p.status = 'paid'")).toMatchObject({reads: ['orders'], writes: ['payments']})
      expect(one('update a join b on a.id = b.id set a.x = 1, b.y = 2')).toMatchObject({reads: [], writes: ['a', 'b']})
      expect(one('update a, b set a.x = b.x where a.id = b.id')).toMatchObject({reads: ['b'], writes: ['a'], joins: [['a', 'b']]})
      // self-join: written through one alias, read through the other
      expect(one('update t a join t b on a.parent = b.id set a.x = b.x')).toMatchObject({reads: ['t'], writes: ['t']})
      // a derived table is read and joined with the block
      expect(one('update t join (select id from u where z) d on d.id = t.id set t.a = 1')).toMatchObject({
        reads: ['u'], writes: ['t'], joins: [['t', 'u']],
      })
    })

    it('multi-table DELETE: the targets are written, the other tables read', () => {
      expect(one('delete s from sessions s join users u on u.id = s.user_id where u.disabled')).toEqual({
        kind: 'delete', reads: ['users'], writes: ['sessions'], locks: [], ddl: [], maintenance: [], joins: [['sessions', 'users']],
      })
      expect(one('delete s, u from sessions s join users u on u.id = s.user_id')).toMatchObject({reads: [], writes: ['sessions', 'users']})
      expect(one('delete shop.t from shop.t join u on u.id = t.id')).toMatchObject({reads: ['u'], writes: ['shop.t']})
      expect(one('delete t.* from t join u on true')).toMatchObject({reads: ['u'], writes: ['t']})
    })

    it('CTEs (WITH, MariaDB 10.2+) are not tables', () => {
      const info = one(`with paid as (select id from orders where status = 'paid'), x as (select * from paid)
                        select * from x join order_lines l on l.order_id = x.id`)
      expect(info).toMatchObject({kind: 'select', reads: ['order_lines', 'orders'], writes: []})
      expect(one('with recursive r as (select 1 n union all select n + 1 from r where n < 3) select * from r').reads).toEqual([])
      expect(one('with c as (select id from orders) update t join c on c.id = t.id set t.a = 1')).toMatchObject({kind: 'update', writes: ['t'], reads: ['orders']})
    })

    it('SELECT … FOR UPDATE / LOCK IN SHARE MODE / FOR SHARE lock (aliases resolved, OF list honoured)', () => {
      expect(one('select * from orders o join users u on u.id = o.user_id where o.id = 1 for update')).toMatchObject({locks: ['orders', 'users']})
      expect(one('select * from orders o join users u on u.id = o.user_id for update of o')).toMatchObject({locks: ['orders'], reads: ['orders', 'users']})
      expect(one('select * from wallets where id = 1 lock in share mode').locks).toEqual(['wallets'])
      expect(one('select * from wallets where id = 1 for share').locks).toEqual(['wallets'])
      expect(one('select * from jobs where state = 0 limit 1 for update skip locked').locks).toEqual(['jobs'])
      expect(one('select * from t where x = (select y from u for update)')).toMatchObject({locks: ['u'], reads: ['t', 'u']})
      expect(one('lock tables a write, shop.b read')).toMatchObject({kind: 'lock', locks: ['a', 'shop.b']})
    })

    it('DDL on tables and views', () => {
      expect(one('alter table orders add column note text')).toMatchObject({kind: 'ddl', ddl: ['orders']})
      expect(one('alter table orders rename to orders_old')).toMatchObject({kind: 'ddl', ddl: ['orders', 'orders_old']})
      expect(one('create index ix_created on shop.orders (created_at)')).toMatchObject({kind: 'ddl', ddl: ['shop.orders']})
      expect(one('create unique index ux on t (a)')).toMatchObject({kind: 'ddl', ddl: ['t']})
      expect(one('drop index ix_created on orders')).toMatchObject({kind: 'ddl', ddl: ['orders']})
      expect(one('drop table if exists old_log, shop.tmp_x')).toMatchObject({kind: 'ddl', ddl: ['old_log', 'shop.tmp_x']})
      expect(one('rename table a to b, c to d')).toMatchObject({kind: 'ddl', ddl: ['a', 'b', 'c', 'd']})
      expect(one('create table t (id int primary key, y int references z (id))')).toMatchObject({kind: 'ddl', ddl: ['t', 'z'], reads: []})
      expect(one('create table t3 as select * from a join b on true')).toMatchObject({kind: 'ddl', ddl: ['t3'], writes: ['t3'], reads: ['a', 'b']})
      expect(one('create view v as select * from a join b on true')).toMatchObject({kind: 'ddl', ddl: ['v'], reads: ['a', 'b']})
      expect(one('create database d')).toMatchObject({kind: 'ddl', ddl: []})
    })

    it('transaction control, session statements and multi-statement entries', () => {
      expect(analyzeMysql('BEGIN; update a set x = 1; COMMIT', flavor).map((s) => s.kind)).toEqual(['begin', 'update', 'commit'])
      expect(one('start transaction').kind).toBe('begin')
      expect(one('start transaction read only').kind).toBe('begin')
      expect(one('start transaction with consistent snapshot').kind).toBe('begin')
      expect(one('begin work').kind).toBe('begin')
      expect(one('commit').kind).toBe('commit')
      expect(one('commit work').kind).toBe('commit')
      expect(one('rollback').kind).toBe('rollback')
      expect(one('rollback to savepoint s1').kind).toBe('other')
      expect(one('savepoint s1').kind).toBe('other')
      expect(one('set autocommit=0').kind).toBe('other')
      expect(one('set names utf8mb4').kind).toBe('other')
      expect(one('set session transaction isolation level read committed').kind).toBe('other')
      expect(one('show variables like "x"').kind).toBe('other')
      expect(one('set @x = (select max(id) from orders)')).toMatchObject({kind: 'other', reads: ['orders']})
      expect(analyzeMysql('select 1; ; -- nothing\n', flavor)).toHaveLength(1)
      expect(analyzeMysql('/* only a comment */', flavor)).toEqual([])
    })

    it('a routine body does not split its log entry; statements after it do', () => {
      expect(analyzeMysql('CREATE PROCEDURE p() BEGIN SELECT 1 FROM a; END; SELECT * FROM b', flavor).map((i) => [i.kind, ...i.reads])).toEqual([['ddl', 'a'], ['select', 'b']])
    })

    it('DELIMITER lines of .sql files and dumps change the separator', () => {
      const sql = 'DELIMITER ;;\nCREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN INSERT INTO b VALUES (1); END ;;\nDELIMITER ;\nSELECT * FROM c; SELECT 1 FROM d'
      expect(analyzeMysql(sql, flavor).map((i) => [i.kind, ...i.ddl, ...i.writes, ...i.reads])).toEqual([['ddl', 'a', 'b'], ['select', 'c'], ['select', 'd']])
    })

    it('comments are ignored; executable comments are SQL', () => {
      expect(one("select /* from hidden */ a.x -- from other\n# from more\nfrom a where s = ';' /* ; */")).toMatchObject({reads: ['a']})
      expect(analyzeMysql('/*!50001 CREATE VIEW `v` AS SELECT * FROM `orders` */; select 1', flavor).map((s) => s.ddl)).toEqual([['v'], []])
      expect(one('select /*!40001 SQL_NO_CACHE */ * from t /*M!100000 join u on true */')).toMatchObject({reads: ['t', 'u']})
    })

    it('backticked, mixed-case, unicode and reserved names keep their case', () => {
      expect(one('select `select`.`from` from `select` join `Order Lines` on true join `prix_€` on true join `Shop`.`Orders` on true join `a``b` on true').reads).toEqual([
        'Order Lines', 'Shop.Orders', 'a`b', 'prix_€', 'select',
      ])
      expect(one('update `Orders` set `status` = 1').writes).toEqual(['Orders'])
    })

    it('index hints, PARTITION selection and NATURAL JOIN do not hide tables', () => {
      expect(one('select * from t partition (p1) force index (ix) where a = 1').reads).toEqual(['t'])
      expect(one('select * from t use index for order by (ix) join u ignore key (k) on true').reads).toEqual(['t', 'u'])
      expect(one('select * from t1 natural join t2')).toMatchObject({reads: ['t1', 't2'], joins: [['t1', 't2']]})
    })

    it('unparseable SQL throws a SqlParseError with the cursor', () => {
      expect(() => analyzeMysql('selec * frm', flavor)).toThrow(SqlParseError)
      let caught: unknown
      try {
        analyzeMysql('select 1; selec * frm', flavor)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(SqlParseError)
      expect((caught as SqlParseError).cursor).toBe(16)
      expect(() => analyzeMysql('select * from (select 1', flavor)).toThrow(SqlParseError)
      // a session statement is classified by keyword only when it cannot hide a query: one no
      // grammar accepts has its tables found from its tokens, flagged approximate
      expect(one('set @x = (select 1 from t where)')).toMatchObject({kind: 'other', reads: ['t'], approximate: true})
    })
  })
}

type Expected = {kind: string; reads?: string[]; writes?: string[]; locks?: string[]; ddl?: string[]; maintenance?: string[]; joins?: [string, string][]; approximate?: true}

/**
 * One case per position a table can take on MySQL / MariaDB, asserting the exact analysis
 * (unlisted fields empty) and the relation invariant: every table reference of the AST placed.
 */
export const MYSQL_CONFORMANCE: [string, string, Expected][] = [
  ['UNION: every arm read, arms not joined', 'select a from t1 union select b from t2 union all select c from t3', {kind: 'select', reads: ['t1', 't2', 't3']}],
  ['UNION inside IN (…) and a scalar subquery', 'select * from o where id in (select a from t1 union select b from t2) and x = (select 1 from t3 union select 2 from t4)',
    {kind: 'select', reads: ['o', 't1', 't2', 't3', 't4']}],
  ['UNION as a derived table: arms not joined', 'select * from (select a from t1 union select b from t2) d join t3 on true', {kind: 'select', reads: ['t1', 't2', 't3']}],
  ['scalar, EXISTS and ALL subqueries', 'select (select max(x) from t2) from t1 where exists (select 1 from t3) and a > all (select b from t4)',
    {kind: 'select', reads: ['t1', 't2', 't3', 't4']}],
  ['LATERAL derived table joins its block', 'select * from t1, lateral (select * from t2 where t2.a = t1.a) l', {kind: 'select', reads: ['t1', 't2'], joins: [['t1', 't2']]}],
  ['recursive CTE: its own name is not a table', 'with recursive r(n) as (select id from tree where parent is null union all select t.id from tree t join r on t.parent = r.n) select * from r',
    {kind: 'select', reads: ['tree']}],
  ['UNION inside a CTE', 'with u as (select a from t1 union select a from t2) select * from u', {kind: 'select', reads: ['t1', 't2']}],
  ['INSERT … SELECT … UNION', 'insert into t7 select a from t1 union select b from t2', {kind: 'insert', writes: ['t7'], reads: ['t1', 't2']}],
  ['INSERT … ON DUPLICATE KEY UPDATE with a subquery', 'insert into t (k, v) values (1, 2) on duplicate key update v = (select max(v) from src)',
    {kind: 'insert', writes: ['t'], reads: ['src']}],
  ['REPLACE … SELECT', 'replace into t select * from s join u on true', {kind: 'insert', writes: ['t'], reads: ['s', 'u'], joins: [['s', 'u']]}],
  ['multi-table UPDATE, both SET', 'update a, b set a.x = 1, b.y = 2 where a.id = b.id', {kind: 'update', writes: ['a', 'b'], joins: [['a', 'b']]}],
  ['multi-table DELETE', 'delete a, b from a join b on a.id = b.id join c on c.id = a.id',
    {kind: 'delete', writes: ['a', 'b'], reads: ['c'], joins: [['a', 'b'], ['a', 'c'], ['b', 'c']]}],
  ['LOAD DATA', "load data local infile '/tmp/x' replace into table db.t fields terminated by ','", {kind: 'copy', writes: ['db.t']}],
  ['character-set introducers', "select _utf8'x', a from t1 where b = _utf8mb4'y' collate utf8mb4_bin and c = _binary 0x1F", {kind: 'select', reads: ['t1']}],
  ['CREATE TABLE … AS SELECT: target written and created', 'create table n as select * from a join b using (id)', {kind: 'ddl', ddl: ['n'], writes: ['n'], reads: ['a', 'b'], joins: [['a', 'b']]}],
  ['LOCK TABLES', 'lock tables a read, b as bb write', {kind: 'lock', locks: ['a', 'b']}],
  ['TRUNCATE', 'truncate table a', {kind: 'truncate', writes: ['a']}],
  ['OPTIMIZE / ANALYZE / CHECK / REPAIR TABLE are maintenance', 'optimize no_write_to_binlog table a, shop.b', {kind: 'maintenance', maintenance: ['a', 'shop.b']}],
  ['ANALYZE TABLE', 'analyze table a', {kind: 'maintenance', maintenance: ['a']}],
  ['EXPLAIN ANALYZE analyzes the inner statement', 'explain analyze select * from a join b on true', {kind: 'select', reads: ['a', 'b'], joins: [['a', 'b']]}],
  ['plain EXPLAIN FORMAT=JSON of a write plans it: tables read, none written', 'explain format=json update a set x = (select 1 from b)', {kind: 'select', reads: ['a', 'b']}],
  ["MariaDB's ANALYZE stmt runs it", 'analyze delete from a where x in (select x from b)', {kind: 'delete', writes: ['a'], reads: ['b']}],
  ['UPDATE with subqueries in SET and WHERE', 'update t set a = (select max(b) from s) where c in (select c from u)', {kind: 'update', writes: ['t'], reads: ['s', 'u']}],
  ['DELETE with a nested derived table', 'delete from t where id in (select id from (select id from t2) x)', {kind: 'delete', writes: ['t'], reads: ['t2']}],
  ['CALL with a subquery (no grammar accepts it): tokens, approximate', 'call p((select 1 from t))', {kind: 'other', reads: ['t'], approximate: true}],
  ['TABLE t (no grammar accepts it): tokens, approximate', 'table t1', {kind: 'select', reads: ['t1'], approximate: true}],
  ['JSON_TABLE is a function, not a table: tokens, approximate', "select * from json_table('[]', '$[*]' columns (a int path '$')) j join t on true",
    {kind: 'select', reads: ['t'], approximate: true}],
  ['DELETE … USING (no grammar accepts it): tokens, approximate', 'delete from a using a join b on a.id = b.id where extract(year from b.d) = 2020',
    {kind: 'delete', writes: ['a'], reads: ['a', 'b'], approximate: true}],
  ['token finder: a data-modifying CTE writes its own target; CTE names are not tables; SELECT … INTO @v names none',
    'with t as (select a from y), d as (delete from z where a in (select a from t) returning a) insert into w select a from t join d using (a) into @v',
    {kind: 'insert', writes: ['w', 'z'], reads: ['y'], approximate: true}],
  ['CREATE TRIGGER … BEGIN … END: DDL on its table, body tables, approximate',
    'CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW BEGIN IF (old.title != new.title) THEN UPDATE film_text SET title = new.title WHERE film_id = old.film_id; END IF; END',
    {kind: 'ddl', ddl: ['film'], writes: ['film_text'], approximate: true}],
  ['CREATE PROCEDURE with CASE statements and expressions: one statement, body tables',
    'CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN x INT) BEGIN CASE x WHEN 1 THEN INSERT INTO a SELECT * FROM b; ELSE DELETE FROM c; END CASE; SELECT CASE WHEN x THEN 1 END INTO @v FROM d; END',
    {kind: 'ddl', writes: ['a', 'c'], reads: ['b', 'd'], approximate: true}],
  ['a routine with loops and labels stays one statement', 'CREATE PROCEDURE p() BEGIN lbl: LOOP INSERT INTO a VALUES (1); END LOOP lbl; WHILE 1 DO DELETE FROM b; END WHILE; FOR i IN 1..3 DO UPDATE c SET x = i; END FOR; END',
    {kind: 'ddl', writes: ['a', 'b', 'c'], approximate: true}],
  ['CREATE TABLE named like a routine keyword is a table', 'create table event (id int, `begin` int)', {kind: 'ddl', ddl: ['event']}],
  ['ALTER TABLE … DISABLE KEYS (no grammar accepts it): DDL from tokens', '/*!40000 ALTER TABLE `actor` DISABLE KEYS */', {kind: 'ddl', ddl: ['actor'], approximate: true}],
  ['a mysqldump view no grammar accepts: DDL on the view, its parenthesized join tree and subquery read from tokens',
    "/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`localhost` SQL SECURITY INVOKER */ /*!50001 VIEW `actor_info` AS select `a`.`actor_id` AS `actor_id`,group_concat(distinct concat(`c`.`name`,': ',(select group_concat(`f`.`title` order by `f`.`title` ASC separator ', ') from ((`sakila`.`film` `f` join `sakila`.`film_category` `fc` on((`f`.`film_id` = `fc`.`film_id`))) join `sakila`.`film_actor` `fa` on((`f`.`film_id` = `fa`.`film_id`))) where ((`fc`.`category_id` = `c`.`category_id`) and (`fa`.`actor_id` = `a`.`actor_id`)))) order by `c`.`name` ASC separator '; ') AS `film_info` from (((`sakila`.`actor` `a` left join `sakila`.`film_actor` `fa` on((`a`.`actor_id` = `fa`.`actor_id`))) left join `sakila`.`film_category` `fc` on((`fa`.`film_id` = `fc`.`film_id`))) left join `sakila`.`category` `c` on((`fc`.`category_id` = `c`.`category_id`))) group by `a`.`actor_id` */",
    {kind: 'ddl', ddl: ['actor_info'], reads: ['sakila.actor', 'sakila.category', 'sakila.film', 'sakila.film_actor', 'sakila.film_category'], approximate: true}],
  ['system schemas are tables like any other here', 'select * from information_schema.tables t join mysql.user u on true',
    {kind: 'select', reads: ['information_schema.tables', 'mysql.user'], joins: [['information_schema.tables', 'mysql.user']]}],
]

for (const flavor of ['mysql', 'mariadb'] as const) {
  describe(`analyzeMysql conformance per construct (${flavor})`, () => {
    for (const [name, sql, expected] of MYSQL_CONFORMANCE) {
      it(name, () => {
        const detailed = analyzeMysqlDetailed(sql, flavor)
        expect(detailed).toHaveLength(1)
        expect(detailed[0]!.unaccounted).toEqual([])
        expect(detailed[0]!.walked).toEqual({reads: [], writes: [], locks: [], ddl: [], maintenance: [], joins: [], ...expected})
      })
    }
  })
}

describe('MySQL system schemas in the workload', () => {
  it('USE information_schema: unqualified names are system tables; mysql.* / sys.* too; none in the access matrix', async () => {
    const aggregator = new WorkloadAggregator(await StatementAnalyzer.create('mysql'))
    const event = (sql: string, database: string) => ({sql, calls: 1, user: 'agent', database, file: 'general.log', line: 1})
    aggregator.add(event('select * from TABLES join COLUMNS using (TABLE_NAME)', 'information_schema'))
    aggregator.add(event('select * from mysql.user union select * from sys.processlist', 'shop'))
    aggregator.add(event('select * from shop.orders join mysql.db on true', 'shop'))
    const w = aggregator.finish('mysql')
    expect(w.tables.map((t) => t.table)).toEqual(['orders'])
    expect(w.joins).toEqual([])
    expect(w.system!.map((a) => a.table)).toEqual(['information_schema.COLUMNS', 'information_schema.TABLES', 'mysql.db', 'mysql.user', 'sys.processlist'])
  })

  it('a statement no grammar accepts is counted with its tables, flagged approximate in totals, statements and the report', async () => {
    const aggregator = new WorkloadAggregator(await StatementAnalyzer.create('mysql'))
    for (let i = 0; i < 3; i++) aggregator.add({sql: `call archive((select max(id) from orders where id > ${i}))`, calls: 1, user: 'batch', file: 'general.log', line: i + 1})
    aggregator.add({sql: 'select * from orders', calls: 1, user: 'app', file: 'general.log', line: 9})
    const w = aggregator.finish('mysql')
    expect(w.totals).toMatchObject({calls: 4, parsedCalls: 4, unparsedCalls: 0, approximateCalls: 3})
    expect(w.statements.map((s) => [s.calls, s.reads, s.approximate ?? false])).toEqual([[3, ['orders'], true], [1, ['orders'], false]])
    expect(w.access.map((a) => `${a.service}:${a.table}:${a.read}`)).toEqual(['app:orders:1', 'batch:orders:3'])
    expect(workloadReport(w, {limit: 0})).toContain('3 executions had tables found by a fallback')
  })
})
