import {randomBytes} from 'node:crypto'

import mysql from 'mysql2/promise'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openMysql, redactMysqlUrl, translateMysqlError} from '../src/db/mysql.js'
import {CarveError} from '../src/errors.js'
import type {RawCatalog, RawTable} from '../src/introspect/driver.js'
import {normalizeMysqlDefault, readMysqlCatalog} from '../src/introspect/mysql.js'
import {MYSQL_URL, announceSkip, siblingDatabaseUrl} from './support/servers.js'

const HOSTILE = 'Order Items "x"; drop'

/** The shop schema: every structural feature the reader has to see. */
const SHOP_SQL = `
CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100) NOT NULL DEFAULT 'anon''s',
  nickname VARCHAR(50) NULL,
  tenant_id INT NOT NULL DEFAULT 1,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT uq_customers_email UNIQUE (email),
  INDEX idx_customers_tenant_name (tenant_id, name)
) COMMENT 'People who buy things';

CREATE TABLE products (
  sku VARCHAR(32) NOT NULL PRIMARY KEY,
  title VARCHAR(200) NOT NULL COMMENT 'Shown in the shop',
  price DECIMAL(10,2) NOT NULL,
  price_with_vat DECIMAL(12,2) AS (price * 1.2) STORED,
  weight_g INT NULL CHECK (weight_g >= 0),
  CONSTRAINT chk_products_price CHECK (price >= 0)
);

CREATE TABLE orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NULL,
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  placed_at DATETIME NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE TABLE shipments (
  order_id INT NOT NULL,
  seq INT NOT NULL,
  carrier VARCHAR(50) NULL,
  PRIMARY KEY (order_id, seq),
  CONSTRAINT fk_shipments_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
);

CREATE TABLE \`${HOSTILE}\` (
  id INT AUTO_INCREMENT PRIMARY KEY,
  order_id INT NOT NULL,
  shipment_seq INT NOT NULL,
  sku VARCHAR(32) NOT NULL,
  \`select\` VARCHAR(20) NULL,
  \`prix_€\` DECIMAL(10,2) NOT NULL DEFAULT 0.00,
  \`it's a \`\`tick\`\`\` INT NULL,
  CONSTRAINT fk_items_shipment FOREIGN KEY (order_id, shipment_seq) REFERENCES shipments (order_id, seq)
    ON DELETE RESTRICT ON UPDATE NO ACTION,
  CONSTRAINT fk_items_product FOREIGN KEY (sku) REFERENCES products (sku)
    ON DELETE NO ACTION ON UPDATE CASCADE
);

CREATE TABLE audit_log (
  id BIGINT NOT NULL,
  logged_at DATE NOT NULL,
  message TEXT NULL,
  PRIMARY KEY (id, logged_at)
) PARTITION BY RANGE (YEAR(logged_at)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025),
  PARTITION pmax VALUES LESS THAN MAXVALUE
);

CREATE VIEW order_summary AS
  SELECT o.id AS order_id, c.email, o.status
    FROM orders o JOIN customers c ON c.id = o.customer_id;

CREATE VIEW paid_orders AS
  SELECT order_id, email FROM order_summary WHERE status = 'paid';

CREATE VIEW item_prices AS
  SELECT i.\`select\`, i.\`prix_€\`, p.title
    FROM \`${HOSTILE}\` i JOIN products p ON p.sku = i.sku;

CREATE TRIGGER trg_orders_placed BEFORE INSERT ON orders
  FOR EACH ROW SET NEW.placed_at = COALESCE(NEW.placed_at, NOW());

CREATE FUNCTION order_count(p_customer INT) RETURNS INT
  READS SQL DATA
  RETURN (SELECT COUNT(*) FROM orders WHERE customer_id = p_customer);

CREATE PROCEDURE purge_audit(IN p_before DATE, OUT p_removed INT)
BEGIN
  DELETE FROM audit_log WHERE logged_at < p_before;
  SET p_removed = ROW_COUNT();
END;
`

function scaleTablesSql(from: number, to: number): string {
  const out: string[] = []
  for (let i = from; i <= to; i++) {
    const parent = i > 1 ? `, parent_id INT NULL, CONSTRAINT fk_t${i}_parent FOREIGN KEY (parent_id) REFERENCES t${i - 1} (id)` : ''
    out.push(
      `CREATE TABLE t${i} (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) NOT NULL UNIQUE, ` +
        `note VARCHAR(40) NULL COMMENT 'n${i}', CHECK (CHAR_LENGTH(code) > 0), INDEX idx_t${i}_note (note, code)${parent});`,
    )
  }
  return out.join('\n')
}

if (!MYSQL_URL) {
  announceSkip('MariaDB/MySQL')
}

const suite = MYSQL_URL ? describe : describe.skip

suite('MySQL/MariaDB catalog reader', () => {
  const baseUrl = MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/carve'
  const shop = siblingDatabaseUrl(baseUrl, 'shop')
  const scale = siblingDatabaseUrl(baseUrl, 'scale')
  const noPermUser = `carve_noperm_${randomBytes(3).toString('hex')}`
  const noPermHosts = ['%', 'localhost', '127.0.0.1']
  let admin: mysql.Connection
  let conn: Connection
  let catalog: RawCatalog

  const table = (name: string): RawTable => {
    const t = catalog.tables.find((x) => x.name === name)
    if (!t) throw new Error(`table ${name} not in catalog: ${catalog.tables.map((x) => x.name).join(', ')}`)
    return t
  }

  beforeAll(async () => {
    admin = await mysql.createConnection({uri: baseUrl.replace(/^mariadb:/, 'mysql:'), multipleStatements: true})
    for (const db of [shop.name, scale.name]) {
      await admin.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    }
    await admin.query(`USE \`${shop.name}\`; ${SHOP_SQL}`)
    await admin.query(`USE \`${scale.name}\`; ${scaleTablesSql(1, 5)}`)
    conn = await openMysql(shop.url)
    catalog = await readMysqlCatalog(conn, {})
  }, 30_000)

  afterAll(async () => {
    await conn?.close()
    if (admin) {
      for (const db of [shop.name, scale.name]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
      for (const host of noPermHosts) await admin.query(`DROP USER IF EXISTS '${noPermUser}'@'${host}'`)
      await admin.end()
    }
  }, 30_000)

  it('opens a connection that knows the server and hides the password', async () => {
    expect(conn.engine).toBe('mysql')
    expect(['mysql', 'mariadb']).toContain(conn.flavor)
    expect(conn.database).toBe(shop.name)
    expect(conn.serverMajor).toBeGreaterThanOrEqual(5)
    expect(conn.serverVersion).toMatch(/^\d+\.\d+/)
    expect(redactMysqlUrl('mysql://app:hunter2@db:3306/shop?password=x')).toBe('mysql://app@db:3306/shop')
    const viaMariadbScheme = await openMysql(shop.url.replace(/^mysql:/, 'mariadb:'))
    expect(viaMariadbScheme.database).toBe(shop.name)
    expect(viaMariadbScheme.label).toMatch(/^mariadb:\/\//)
    await viaMariadbScheme.close()
    const rows = await conn.query<{n: number}>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_NAME IN (?)', [
      ['orders', 'customers'],
    ])
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(2)
  })

  it('describes the database and lists base tables only, sorted', () => {
    expect(catalog.database).toMatchObject({engine: 'mysql', flavor: conn.flavor, name: shop.name})
    expect(catalog.database.serverVersion).toBe(conn.serverVersion)
    expect(catalog.schemas).toEqual([shop.name])
    expect(catalog.tables.map((t) => t.name)).toEqual([
      HOSTILE,
      'audit_log',
      'customers',
      'orders',
      'products',
      'shipments',
    ])
    expect(catalog.tables.every((t) => t.schema === shop.name)).toBe(true)
    expect(catalog.enums).toEqual([])
    expect(catalog.sequences).toEqual([])
  })

  it('reads columns with types, nullability, defaults, identity, generated and comments', () => {
    const customers = table('customers')
    expect(customers.comment).toBe('People who buy things')
    expect(customers.columns.map((c) => c.name)).toEqual(['id', 'email', 'name', 'nickname', 'tenant_id', 'created_at'])
    expect(customers.columns.map((c) => c.position)).toEqual([1, 2, 3, 4, 5, 6])
    const col = (t: RawTable, name: string) => t.columns.find((c) => c.name === name)!
    expect(col(customers, 'id')).toMatchObject({type: expect.stringMatching(/^int/), nullable: false, identity: 'auto_increment', default: null})
    expect(col(customers, 'email')).toMatchObject({type: 'varchar(255)', nullable: false, default: null, identity: null, generated: null})
    expect(col(customers, 'name').default).toBe("'anon''s'")
    expect(col(customers, 'nickname')).toMatchObject({nullable: true, default: null})
    expect(col(customers, 'tenant_id').default).toBe('1')
    expect(col(customers, 'created_at').default).toMatch(/^current_timestamp/i)

    const products = table('products')
    expect(products.comment).toBeNull()
    expect(col(products, 'title').comment).toBe('Shown in the shop')
    expect(col(products, 'price')).toMatchObject({type: 'decimal(10,2)', nullable: false, comment: null})
    const vat = col(products, 'price_with_vat')
    expect(vat.generated).toMatch(/price.*\*\s*1\.2/)
    expect(vat.default).toBeNull()

    const orders = table('orders')
    expect(col(orders, 'status')).toMatchObject({type: "enum('new','paid','shipped')", default: "'new'"})
  })

  it('reads primary keys in key order, including a composite one', () => {
    expect(table('customers').primaryKey).toEqual(['id'])
    expect(table('customers').primaryKeyName).toBe('PRIMARY')
    expect(table('shipments').primaryKey).toEqual(['order_id', 'seq'])
    expect(table('audit_log').primaryKey).toEqual(['id', 'logged_at'])
    expect(table('products').primaryKey).toEqual(['sku'])
  })

  it('reads foreign keys with columns, targets and rules', () => {
    expect(table('orders').foreignKeys).toEqual([
      {
        name: 'fk_orders_customer',
        columns: ['customer_id'],
        refSchema: shop.name,
        refTable: 'customers',
        refColumns: ['id'],
        onDelete: 'set null',
        onUpdate: 'cascade',
        deferrable: false,
        validated: true,
      },
    ])
    expect(table('shipments').foreignKeys).toMatchObject([
      {name: 'fk_shipments_order', columns: ['order_id'], refTable: 'orders', refColumns: ['id'], onDelete: 'cascade'},
    ])
    // MariaDB and MySQL report an unspecified ON UPDATE as RESTRICT (InnoDB treats NO ACTION the same way).
    expect(['restrict', 'no action']).toContain(table('shipments').foreignKeys[0]?.onUpdate)

    const items = table(HOSTILE)
    expect(items.foreignKeys.map((f) => f.name)).toEqual(['fk_items_product', 'fk_items_shipment'])
    expect(items.foreignKeys[1]).toMatchObject({
      columns: ['order_id', 'shipment_seq'],
      refSchema: shop.name,
      refTable: 'shipments',
      refColumns: ['order_id', 'seq'],
      onDelete: 'restrict',
      onUpdate: 'no action',
    })
    expect(items.foreignKeys[0]).toMatchObject({
      columns: ['sku'],
      refTable: 'products',
      refColumns: ['sku'],
      onDelete: 'no action',
      onUpdate: 'cascade',
    })
  })

  it('reads unique constraints and checks (table- and column-level)', () => {
    expect(table('customers').uniques).toEqual([{name: 'uq_customers_email', columns: ['email']}])
    const checks = table('products').checks
    const price = checks.find((c) => c.name === 'chk_products_price')
    expect(price?.expression).toMatch(/price.*>=\s*0/)
    if (conn.flavor === 'mariadb') {
      // MariaDB keeps a column-level CHECK as a constraint named after its column.
      expect(checks.map((c) => c.name)).toEqual(['chk_products_price', 'weight_g'])
      expect(checks[1]?.expression).toMatch(/weight_g.*>=\s*0/)
    } else {
      expect(checks).toHaveLength(2)
    }
    expect(table('orders').checks).toEqual([])
  })

  it('reads indexes grouped by name with column order and method', () => {
    const indexes = table('customers').indexes
    expect(indexes.map((i) => i.name)).toEqual(['PRIMARY', 'idx_customers_tenant_name', 'uq_customers_email'])
    expect(indexes[0]).toEqual({
      name: 'PRIMARY',
      columns: ['id'],
      unique: true,
      primary: true,
      method: 'btree',
      predicate: null,
      definition: null,
    })
    expect(indexes[1]).toMatchObject({columns: ['tenant_id', 'name'], unique: false, primary: false, method: 'btree'})
    expect(indexes[2]).toMatchObject({columns: ['email'], unique: true, primary: false})
    expect(table('shipments').indexes.find((i) => i.primary)?.columns).toEqual(['order_id', 'seq'])
  })

  it('reads partitioning', () => {
    const audit = table('audit_log')
    expect(audit.kind).toBe('partitioned')
    expect(audit.partitioning).toEqual({
      strategy: 'range',
      key: expect.stringMatching(/year\(`?logged_at`?\)/i),
      partitions: ['p2023', 'p2024', 'pmax'],
    })
    expect(audit.partitionOf).toBeNull()
    expect(table('orders').kind).toBe('table')
    expect(table('orders').partitioning).toBeNull()
  })

  it('attaches triggers to their table', () => {
    expect(table('orders').triggers).toEqual([
      {
        name: 'trg_orders_placed',
        timing: 'BEFORE',
        events: ['INSERT'],
        level: 'row',
        function: null,
        definition: expect.stringMatching(/SET NEW\.placed_at/i),
        enabled: true,
      },
    ])
    expect(table('customers').triggers).toEqual([])
  })

  it('lists functions and procedures with their arguments', () => {
    expect(catalog.functions.map((f) => [f.name, f.kind])).toEqual([
      ['order_count', 'function'],
      ['purge_audit', 'procedure'],
    ])
    expect(catalog.functions[0]).toMatchObject({
      schema: shop.name,
      arguments: expect.stringMatching(/^p_customer int/),
      returns: expect.stringMatching(/^int/),
      language: 'sql',
      usedByTriggers: [],
    })
    expect(catalog.functions[1]?.arguments).toMatch(/^IN p_before date, OUT p_removed int/)
  })

  it('reads views with columns and dependencies, including a view on a view', () => {
    expect(catalog.views.map((v) => v.name)).toEqual(['item_prices', 'order_summary', 'paid_orders'])
    const view = (name: string) => catalog.views.find((v) => v.name === name)!
    const ref = (name: string) => ({schema: shop.name, name})
    expect(view('order_summary')).toMatchObject({
      schema: shop.name,
      materialized: false,
      comment: null,
      columns: [
        {name: 'order_id', type: expect.stringMatching(/^int/)},
        {name: 'email', type: 'varchar(255)'},
        {name: 'status', type: "enum('new','paid','shipped')"},
      ],
    })
    expect(view('order_summary').definition).toMatch(/join/i)
    expect(view('order_summary').dependsOn).toEqual([ref('customers'), ref('orders')])
    expect(view('paid_orders').dependsOn).toEqual([ref('order_summary')])
    expect(view('item_prices').dependsOn).toEqual([ref(HOSTILE), ref('products')])
    expect(view('item_prices').columns.map((c) => c.name)).toEqual(['select', 'prix_€', 'title'])
  })

  it('keeps hostile table and column names intact', () => {
    const items = table(HOSTILE)
    expect(items.columns.map((c) => c.name)).toEqual([
      'id',
      'order_id',
      'shipment_seq',
      'sku',
      'select',
      'prix_€',
      "it's a `tick`",
    ])
    expect(items.columns.find((c) => c.name === 'prix_€')).toMatchObject({type: 'decimal(10,2)', nullable: false, default: '0.00'})
    expect(items.primaryKey).toEqual(['id'])
  })

  it('reports sizes and row estimates as numbers', () => {
    for (const t of catalog.tables) {
      expect(t.estimatedRows === null || typeof t.estimatedRows === 'number').toBe(true)
      expect(typeof t.sizeBytes).toBe('number')
    }
  })

  it('uses the same number of catalog queries for 5 tables as for 50', async () => {
    const scaleConn = await openMysql(scale.url)
    try {
      const before = scaleConn.queryCount
      const small = await readMysqlCatalog(scaleConn, {})
      const smallQueries = scaleConn.queryCount - before
      expect(small.tables).toHaveLength(5)

      await admin.query(`USE \`${scale.name}\`; ${scaleTablesSql(6, 50)}`)
      const mid = scaleConn.queryCount
      const large = await readMysqlCatalog(scaleConn, {})
      const largeQueries = scaleConn.queryCount - mid
      expect(large.tables).toHaveLength(50)
      expect(large.tables.find((t) => t.name === 't50')?.foreignKeys[0]).toMatchObject({refTable: 't49', columns: ['parent_id']})
      expect(largeQueries).toBe(smallQueries)
      expect(smallQueries).toBeLessThan(20)

      // Several schemas at once: still the same count.
      const mark = scaleConn.queryCount
      const both = await readMysqlCatalog(scaleConn, {schemas: [shop.name, scale.name]})
      expect(scaleConn.queryCount - mark).toBe(smallQueries)
      expect(both.schemas).toEqual([shop.name, scale.name])
      expect(both.tables).toHaveLength(56)
      expect(both.tables[0]?.schema).toBe([shop.name, scale.name].sort()[0])
    } finally {
      await scaleConn.close()
    }
  })

  describe('connection errors', () => {
    const u = new URL(baseUrl)
    const host = u.hostname
    const port = u.port || '3306'

    async function failure(url: string): Promise<CarveError> {
      try {
        const c = await openMysql(url)
        await c.close()
      } catch (error) {
        expect(error).toBeInstanceOf(CarveError)
        return error as CarveError
      }
      throw new Error(`expected ${redactMysqlUrl(url)} to fail`)
    }

    it('wrong password → db.auth, without the password', async () => {
      const password = 'Wr0ng-Carve-Pa55word'
      const e = await failure(`mysql://root:${password}@${host}:${port}/${shop.name}`)
      expect(e.code).toBe('db.auth')
      expect(e.message).toContain('root')
      expect(e.message).not.toContain(password)
      expect(e.hint ?? '').not.toContain(password)
      expect(e.message).not.toContain('\n')
    })

    it('missing database → db.missing', async () => {
      const e = await failure(`mysql://root@${host}:${port}/carve_missing_${randomBytes(3).toString('hex')}`)
      expect(e.code).toBe('db.missing')
      expect(e.message).toMatch(/carve_missing_\w+ does not exist/)
      expect(e.hint).toBeTruthy()
    })

    it('nothing listening → db.unreachable', async () => {
      const e = await failure(`mysql://root@127.0.0.1:1/${shop.name}`)
      expect(e.code).toBe('db.unreachable')
      expect(e.message).toContain('127.0.0.1:1')
      expect(e.hint).toBeTruthy()
    })

    it('URL without a database → db.no-database', async () => {
      const e = await failure(`mariadb://root:secret@${host}:${port}`)
      expect(e.code).toBe('db.no-database')
      expect(e.message).not.toContain('secret')
      expect(e.hint).toMatch(/database name/)
    })

    it('user without privileges → db.permission', async () => {
      const password = 'N0perm-Carve-pw'
      for (const h of noPermHosts) {
        await admin.query(`CREATE USER IF NOT EXISTS '${noPermUser}'@'${h}' IDENTIFIED BY '${password}'`)
      }
      const e = await failure(`mysql://${noPermUser}:${password}@${host}:${port}/${shop.name}`)
      expect(e.code).toBe('db.permission')
      expect(e.message).toContain(noPermUser)
      expect(e.message).not.toContain(password)
    })
  })
})

describe('MySQL error translation and defaults (no server)', () => {
  const where = {host: 'db.example', port: 3307, user: 'app', database: 'shop'}
  const fake = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'x')), fields)

  it('maps server and network errors to codes', () => {
    expect(translateMysqlError(fake({code: 'ETIMEDOUT'}), where).code).toBe('db.unreachable')
    expect(translateMysqlError(fake({code: 'ENOTFOUND'}), where).message).toBe('cannot reach MySQL at db.example:3307 (host not found)')
    const aggregate = new AggregateError([fake({code: 'ECONNREFUSED'})], 'connect failed')
    expect(translateMysqlError(aggregate, where).code).toBe('db.unreachable')
    expect(translateMysqlError(fake({code: 'ER_ACCESS_DENIED_ERROR', errno: 1045}), where).message).toBe(
      'MySQL rejected the password for user app at db.example:3307',
    )
    expect(translateMysqlError(fake({code: 'ER_BAD_DB_ERROR', errno: 1049}), where).message).toBe(
      'database shop does not exist on db.example:3307',
    )
    const denied = translateMysqlError(
      fake({code: 'ER_TABLEACCESS_DENIED_ERROR', errno: 1142, sqlMessage: "SELECT command denied to user 'app'\nfor table x"}),
      where,
    )
    expect(denied.code).toBe('db.permission')
    expect(denied.message).not.toContain('\n')
    expect(translateMysqlError(fake({code: 'ER_DBACCESS_DENIED_ERROR', errno: 1044}), where).code).toBe('db.permission')
    expect(translateMysqlError(fake({code: 'ER_PARSE_ERROR', errno: 1064}), where).code).toBe('db.error')
  })

  it('normalises defaults from both engines to SQL expressions', () => {
    expect(normalizeMysqlDefault('mariadb', 'NULL', 'varchar', '')).toBeNull()
    expect(normalizeMysqlDefault('mariadb', null, 'int', '')).toBeNull()
    expect(normalizeMysqlDefault('mariadb', "'NULL'", 'varchar', '')).toBe("'NULL'")
    expect(normalizeMysqlDefault('mariadb', 'current_timestamp()', 'timestamp', '')).toBe('current_timestamp()')
    expect(normalizeMysqlDefault('mysql', null, 'varchar', '')).toBeNull()
    expect(normalizeMysqlDefault('mysql', "it's", 'varchar', '')).toBe("'it''s'")
    expect(normalizeMysqlDefault('mysql', '0.00', 'decimal', '')).toBe('0.00')
    expect(normalizeMysqlDefault('mysql', 'CURRENT_TIMESTAMP', 'timestamp', 'DEFAULT_GENERATED')).toBe('CURRENT_TIMESTAMP')
    expect(normalizeMysqlDefault('mysql', '(rand() * 10)', 'double', 'DEFAULT_GENERATED')).toBe('(rand() * 10)')
  })
})
