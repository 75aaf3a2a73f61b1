/** REST paths of a context's tables, shared by the ownership document and the API stubs. */
import type {Table} from '../introspect/model.js'

/** The REST resource of a table: its name in kebab-case (`order_lines` → `/order-lines`). */
export function resourcePath(tableName: string): string {
  const kebab = tableName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `/${kebab || 'resource'}`
}

/** `/order-lines/{id}`; composite keys get one segment per column; no key, no item path. */
export function itemPath(table: Table): string | null {
  if (table.primaryKey.length === 0) return null
  const params = table.primaryKey.map((c) => `{${c.toLowerCase().replace(/[^a-z0-9_]+/g, '_') || 'key'}}`)
  return `${resourcePath(table.name)}/${params.join('/')}`
}
