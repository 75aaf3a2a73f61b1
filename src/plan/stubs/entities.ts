/**
 * The API view of a context's tables, decided once and shared by the OpenAPI document, the
 * server stub and the clients so the three always agree: which tables become resources, their
 * paths and type names, which fields a create or update may set, where the tenant comes from,
 * and how an effective-dated (SCD2) table is revised.
 */
import type {Catalog, Column, Table} from '../../introspect/model.js'
import type {ContextSpec, OwnedTable} from '../context.js'
import {qualified} from '../quote.js'
import {UniqueNames, paramName, pascal, resourceSegment} from './names.js'
import {mapType, type InputKind, type MappedType} from './types.js'

export interface ApiField {
  /** The exact column name: the JSON property name everywhere. */
  name: string
  column: Column
  type: MappedType
  nullable: boolean
  /** Computed or GENERATED ALWAYS identity: the database sets it, a request never does. */
  readOnly: boolean
  /** The database fills it when a create leaves it out (default, serial, identity, computed). */
  defaulted: boolean
  input: InputKind
}

export interface KeyPart {
  field: ApiField
  /** URL-safe parameter name (path or query). */
  param: string
}

export interface Scd2Api {
  from: ApiField
  to: ApiField
  /** Identifies the thing whose versions the rows are, e.g. (user_id, attr_key). */
  versionKey: KeyPart[]
  /** How the version key was found, for the documentation. */
  versionKeySource: string
  /** Fields a revision may change (not the key, not the period, not read-only ones). */
  revisable: ApiField[]
  /** Columns copied from the closed row into its successor. */
  copied: ApiField[]
}

export interface ApiEntity {
  owned: OwnedTable
  table: Table
  /** `"<context schema>"."<table>"`: where the table lives once the plan moved it. */
  relation: string
  /** `/order-lines` */
  path: string
  /** `OrderLines`: schema and TypeScript type name. */
  typeName: string
  fields: ApiField[]
  /** Primary key columns, in key order; empty when the table has none (list only). */
  primaryKey: ApiField[]
  /** The primary key as path parameters: the tenant column, if part of it, comes from the header. */
  pathKey: KeyPart[]
  tenant: ApiField | null
  create: ApiField[]
  createRequired: ApiField[]
  update: ApiField[]
  scd2: Scd2Api | null
}

export interface ContextApi {
  context: ContextSpec
  /** PascalCase of the context name, for client class names. */
  typeName: string
  entities: ApiEntity[]
  /** Owned tables with no API, and why. */
  skipped: {table: string; reason: string}[]
}

/** Names used by the generated files themselves; an entity never takes one. */
const RESERVED_TYPES = [
  'Error', 'ProblemDetail', 'Problem', 'Page', 'CallContext', 'ApiRequest', 'ApiResponse', 'ApiError', 'ApiServer', 'Route', 'Handler', 'Row', 'Fields',
  'FieldKind', 'Promise', 'Record', 'Map', 'Set', 'Array', 'Object', 'String', 'Number', 'Boolean', 'Date', 'Buffer', 'URL', 'URLSearchParams', 'JSON',
  'Response', 'Request', 'Headers', 'Partial', 'Readonly', 'Symbol', 'BigInt', 'Function', 'RegExp', 'Math', 'Uint8Array', 'Iterable', 'PromiseLike',
]
const DERIVED_SUFFIXES = ['Create', 'Update', 'Page', 'Revision']

export function contextApi(ctx: ContextSpec, catalog: Catalog): ContextApi {
  const typeName = pascal(ctx.name)
  const types = new UniqueNames(
    [...RESERVED_TYPES, `${typeName}Client`, `${typeName}ClientOptions`, `${typeName}ApiError`],
    (name) => DERIVED_SUFFIXES.map((s) => name + s),
  )
  const paths = new UniqueNames([], () => [], (base, n) => `${base}-${n}`)
  const entities: ApiEntity[] = []
  const skipped: ContextApi['skipped'] = []
  for (const owned of ctx.tables) {
    if (owned.classification === 'deprecated') {
      skipped.push({table: owned.key, reason: 'deprecated: no new API for it'})
      continue
    }
    const base = pascal(owned.table.name)
    entities.push(entity(owned, ctx, catalog, types.take(RESERVED_TYPES.includes(base) ? `${base}Entity` : base), `/${paths.take(resourceSegment(owned.table.name))}`))
  }
  return {context: ctx, typeName, entities, skipped}
}

function entity(owned: OwnedTable, ctx: ContextSpec, catalog: Catalog, typeName: string, path: string): ApiEntity {
  const table = owned.table
  const fields: ApiField[] = [...table.columns]
    .sort((a, b) => a.position - b.position)
    .map((column) => {
      const type = mapType(column.type, catalog)
      return {
        name: column.name,
        column,
        type,
        nullable: column.nullable,
        readOnly: column.generated !== null || column.identity === 'always',
        defaulted: column.default !== null || column.identity !== null || column.generated !== null,
        input: type.input,
      }
    })
  const byName = new Map(fields.map((f) => [f.name, f]))
  const tenant = (table.flags.tenantColumn && byName.get(table.flags.tenantColumn)) || null
  const primaryKey = table.primaryKey.map((c) => byName.get(c)).filter((f): f is ApiField => f !== undefined)
  const pk = primaryKey.length === table.primaryKey.length ? primaryKey : []
  const keyNames = new Set(pk.map((f) => f.name))
  const writable = fields.filter((f) => !f.readOnly && f !== tenant)
  const create = writable
  const createRequired = create.filter((f) => !f.nullable && !f.defaulted)
  const update = writable.filter((f) => !keyNames.has(f.name))
  return {
    owned,
    table,
    relation: qualified(ctx.schema, table.name),
    path,
    typeName,
    fields,
    primaryKey: pk,
    pathKey: keyParts(pk.filter((f) => f !== tenant)),
    tenant,
    create,
    createRequired,
    update,
    scd2: pk.length ? scd2Api(table, byName, tenant, pk, update) : null,
  }
}

/** Parameter names for key columns, unique within the key. */
function keyParts(fields: ApiField[]): KeyPart[] {
  const names = new UniqueNames([], () => [], (base, n) => `${base}_${n}`)
  return fields.map((field) => ({field, param: names.take(paramName(field.name))}))
}

/**
 * The version key of an effective-dated table: the columns that, with the period, identify a
 * row. Evidence in order: a unique constraint or index over the start column (its other
 * columns), an index restricted to open rows (its columns), a primary key over the start column,
 * an index over the period (the columns before it), the required foreign key columns.
 */
function scd2Api(table: Table, byName: Map<string, ApiField>, tenant: ApiField | null, pk: ApiField[], update: ApiField[]): Scd2Api | null {
  const period = table.flags.scd2
  const from = period && byName.get(period.from)
  const to = period && byName.get(period.to)
  if (!period || !from || !to) return null
  const strip = (columns: string[]) => columns.filter((c) => c !== period.from && c !== period.to && c !== tenant?.name)
  const real = (columns: string[]) => (columns.every((c) => byName.has(c)) ? columns : [])
  const candidates: [string, string[]][] = []
  for (const u of table.uniques) if (u.columns.includes(period.from)) candidates.push([`unique constraint ${u.name}`, strip(real(u.columns))])
  for (const i of table.indexes) if (i.unique && !i.primary && i.columns.includes(period.from)) candidates.push([`unique index ${i.name}`, strip(real(i.columns))])
  for (const i of table.indexes) {
    if (i.predicate && i.predicate.includes(period.to) && !i.columns.includes(period.from)) candidates.push([`index of open rows ${i.name}`, strip(real(i.columns))])
  }
  if (table.primaryKey.includes(period.from)) candidates.push(['primary key', strip(table.primaryKey)])
  for (const i of table.indexes) {
    const at = i.columns.indexOf(period.from)
    if (at > 0) candidates.push([`index ${i.name}`, strip(real(i.columns.slice(0, at)))])
  }
  const fkColumns = table.foreignKeys.flatMap((fk) => fk.columns).filter((c, i, all) => all.indexOf(c) === i && !byName.get(c)?.nullable)
  candidates.push(['required foreign keys', strip(real(fkColumns))])
  const [source, columns] = candidates.find(([, c]) => c.length > 0) ?? ['none found: one series for the whole table', []]
  const versionKey = keyParts(columns.map((c) => byName.get(c)!))
  const keyNames = new Set(columns)
  const pkNames = new Set(pk.map((f) => f.name))
  return {
    from,
    to,
    versionKey,
    versionKeySource: source,
    revisable: update.filter((f) => !keyNames.has(f.name) && f !== from && f !== to),
    // The successor is a copy: everything but what the database generates (a surrogate key,
    // computed and identity columns) and the period, which the revision sets.
    copied: [...byName.values()].filter((f) => !f.readOnly && f.column.identity === null && f !== from && f !== to && !(pkNames.has(f.name) && f.defaulted)),
  }
}
