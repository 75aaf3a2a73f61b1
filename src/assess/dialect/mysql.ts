/**
 * The assessment on MySQL/MariaDB: databases play the part of schemas, and account grants at
 * global, database and table level are read from information_schema; what has no MySQL
 * counterpart says so in the evidence. Events come from the binary log (the default outbox: its
 * publication's tables are rows of `<meta>.publications`, usable only with the binlog settings a
 * reader needs) or from outbox triggers, one per table and event (`carve_outbox_<hash>_<event>`:
 * trigger names are unique per database); there are no materialized views, so read models are
 * not visible in the catalog.
 */
import type {Connection} from '../../db/connection.js'
import {inspect} from '../../introspect/index.js'
import {binlogWrongSettings, readBinlogSettings} from '../../plan/dialects/mysql.js'
import {mysqlIdent} from '../../plan/quote.js'
import {MYSQL_PUBLICATIONS_TABLE} from '../../steps/outbox/binlog.js'
import type {DatabaseFacts, RelationGrant, RoleAbility, RoleInfo} from '../assess-model.js'
import {cutoverRow} from './cutover-row.js'
import type {AssessDialect, FactsRequest} from './types.js'

export const mysqlAssess: AssessDialect = {
  readFacts,
  writeGrantsAlso: '',
  isOutboxTrigger: (trigger) => trigger.name.startsWith('carve_outbox') && trigger.level === 'row',
  walEvents: true,
  readModelsVisible: false,
}

/** `'user'@'host'` → user. */
function granteeName(grantee: string): string {
  const m = /^'((?:[^']|'')*)'(?:@'.*')?$/.exec(grantee)
  return m ? m[1]!.replace(/''/g, "'") : grantee
}

const MYSQL_WRITES = ['INSERT', 'UPDATE', 'DELETE', 'DROP']

async function readFacts(conn: Connection, request: FactsRequest): Promise<DatabaseFacts> {
  // Databases play the part of schemas: read the connection's database and every context's
  // (and the retired copies') that exists, so moved tables are found where they went.
  const existing = new Set((await conn.query<{name: string}>('select schema_name as name from information_schema.schemata')).map((r) => String(r.name)))
  const schemas = [conn.database, ...request.namespaces].filter((s, i, all) => existing.has(s) && all.indexOf(s) === i)
  const catalog = await inspect(conn, {schemas})
  const meta = request.conventions.metaSchema
  const hasTable = async (name: string) =>
    (await conn.query<{n: number}>('select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?', [meta, name]))[0]!.n > 0

  let registry: DatabaseFacts['registry'] = {state: 'absent'}
  if (await hasTable('ownership')) {
    try {
      const rows = await conn.query<Record<string, unknown>>(`select * from ${mysqlIdent(meta)}.${mysqlIdent('ownership')}`)
      const tables = new Set(catalog.tables.map((t) => `${t.schema}.${t.name}`))
      registry = {
        state: 'present',
        rows: rows.map((r) => {
          // Either a `relation` text column ('db.table' or 'table') or table_schema + table_name.
          const relation = r.relation !== undefined ? String(r.relation) : `${String(r.table_schema ?? conn.database)}.${String(r.table_name)}`
          const qualifiedName = relation.includes('.') ? relation : `${conn.database}.${relation}`
          const dot = qualifiedName.indexOf('.')
          const exists = tables.has(qualifiedName)
          return {
            relation,
            schema: exists ? qualifiedName.slice(0, dot) : null,
            name: exists ? qualifiedName.slice(dot + 1) : null,
            context: String(r.context ?? ''),
            owner: String(r.owner ?? ''),
            classification: r.classification === undefined || r.classification === null ? null : String(r.classification),
          }
        }),
      }
    } catch (error) {
      registry = {state: 'error', error: (error as Error).message}
    }
  }

  // Grants at every level the server has. information_schema shows what the current account may
  // see; an account without the grant tables sees only its own — said in the evidence.
  let roles: DatabaseFacts['roles']
  let grants: DatabaseFacts['grants']
  let abilities: RoleAbility[] = []
  try {
    const global = await conn.query<{grantee: string; privilege: string}>('select grantee, privilege_type as privilege from information_schema.user_privileges')
    const bySchema = await conn.query<{grantee: string; db: string; privilege: string}>(
      'select grantee, table_schema as db, privilege_type as privilege from information_schema.schema_privileges where table_schema in (?)',
      [schemas.length ? schemas : ['']],
    )
    const byTable = await conn.query<{grantee: string; db: string; name: string; privilege: string}>(
      'select grantee, table_schema as db, table_name as name, privilege_type as privilege from information_schema.table_privileges where table_schema in (?)',
      [schemas.length ? schemas : ['']],
    )
    const accounts = await conn.query<{name: string; superuser: string}>('select distinct User as name, Super_priv as superuser from mysql.user')
    const globalWriters = new Set(global.filter((g) => MYSQL_WRITES.includes(String(g.privilege))).map((g) => granteeName(String(g.grantee))))
    const list = new Map<string, RoleInfo>()
    for (const a of accounts) {
      const name = String(a.name)
      const prev = list.get(name)
      list.set(name, {name, superuser: (prev?.superuser ?? false) || String(a.superuser) === 'Y' || globalWriters.has(name)})
    }
    roles = {measurable: true, list: [...list.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))}
    const merged = new Map<string, RelationGrant>()
    const add = (schema: string, name: string, grantee: string, privilege: string, via: RelationGrant['via']) => {
      if (!MYSQL_WRITES.includes(privilege)) return
      const id = `${schema}\u0000${name}\u0000${grantee}\u0000${via}`
      const g = merged.get(id) ?? {schema, name, owner: null, grantee, privileges: [], via}
      if (!g.privileges.includes(privilege)) g.privileges.push(privilege)
      merged.set(id, g)
    }
    for (const g of byTable) add(String(g.db), String(g.name), granteeName(String(g.grantee)), String(g.privilege), 'table')
    for (const g of bySchema) {
      for (const t of catalog.tables.filter((x) => x.schema === String(g.db))) add(t.schema, t.name, granteeName(String(g.grantee)), String(g.privilege), 'schema')
    }
    const grantList = [...merged.values()].map((g) => ({...g, privileges: g.privileges.sort()}))
    grants = {measurable: true, list: grantList}
    abilities = request.probes(catalog).map((p) => {
      const held = new Set<string>()
      if (global.some((g) => granteeName(String(g.grantee)) === p.role)) for (const g of global) if (granteeName(String(g.grantee)) === p.role) held.add(String(g.privilege))
      for (const g of grantList) if (g.grantee === p.role && g.schema === p.schema && g.name === p.name) for (const x of g.privileges) held.add(x)
      return {role: p.role, schema: p.schema, name: p.name, insert: held.has('INSERT'), update: held.has('UPDATE'), delete: held.has('DELETE'), schemaUsage: true}
    })
  } catch (error) {
    const note = `privileges not measurable on ${conn.flavor}: ${(error as Error).message} (Carve needs SELECT on mysql.user)`
    roles = {measurable: false, note}
    grants = {measurable: false, note}
  }

  let ledger: DatabaseFacts['ledger'] = {state: 'absent'}
  if (await hasTable('ledger_steps')) {
    try {
      const rows = await conn.query<Record<string, unknown>>(`select * from ${mysqlIdent(meta)}.${mysqlIdent('ledger_steps')} where kind = 'split-cutover'`)
      ledger = {state: 'present', cutovers: rows.map(cutoverRow)}
    } catch (error) {
      ledger = {state: 'error', error: (error as Error).message}
    }
  }

  const events = await binlogPublications(conn, meta, hasTable)
  return {engine: 'mysql', flavor: conn.flavor, database: conn.database, catalog, registry, roles, grants, abilities, ledger, ...events}
}

/**
 * The binlog outbox's evidence: the tables its step recorded per publication, and whether the
 * server's binary log can feed a reader at all (a publication on a server without it delivers nothing).
 */
async function binlogPublications(conn: Connection, meta: string, hasTable: (name: string) => Promise<boolean>): Promise<Pick<DatabaseFacts, 'publications' | 'publicationProblem'>> {
  if (!(await hasTable(MYSQL_PUBLICATIONS_TABLE))) return {}
  const publications = (
    await conn.query<{name: string; schema: string; table: string}>(
      `select publication as name, table_schema as \`schema\`, table_name as \`table\` from ${mysqlIdent(meta)}.${mysqlIdent(MYSQL_PUBLICATIONS_TABLE)} order by 1, 2, 3`,
    )
  ).map((r) => ({name: String(r.name), schema: String(r.schema), table: String(r.table)}))
  const settings = await readBinlogSettings(conn)
  const wrong = settings ? binlogWrongSettings(settings) : []
  const problem = wrong.length ? `the binary log cannot feed a change reader: ${wrong.join('; ')}` : null
  return {publications, ...(problem ? {publicationProblem: problem} : {})}
}
