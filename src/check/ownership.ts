/**
 * The boundaries file as lookups: which context owns a table, which context a service owns,
 * which exceptions cover an access. Pure; built once per check.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import {schemaName} from '../plan/context.js'

export type Exception = BoundariesFile['exceptions'][number]

export interface Ownership {
  /** Context owning the table (by its carve.yml key), or null. */
  contextOf(table: string): string | null
  /** The carve.yml key for a key as a log wrote it (`orders.orders` after a move → `orders`). */
  keyOf(table: string): string
  /** Contexts whose owner is this service (a service may own several). */
  contextsOfService(service: string): Set<string>
  ownerOf(context: string): string | null
  classification(table: string): 'owned' | 'shared-reference' | 'deprecated'
  /** Exceptions for this consumer, table and access, in file order, with their index. */
  exceptionsFor(consumer: string, table: string, access: 'read' | 'write'): {exception: Exception; index: number}[]
}

export function ownership(boundaries: BoundariesFile): Ownership {
  const tableContext = new Map<string, string>()
  const bySchema = new Map<string, string>()
  const serviceContexts = new Map<string, Set<string>>()
  for (const c of boundaries.contexts) {
    for (const t of c.tables) tableContext.set(t, c.name)
    bySchema.set(schemaName(c.name), c.name)
    if (c.owner) {
      const set = serviceContexts.get(c.owner) ?? new Set<string>()
      set.add(c.name)
      serviceContexts.set(c.owner, set)
    }
  }
  const keyOf = (table: string): string => {
    if (tableContext.has(table)) return table
    // After `move-to-schema` a table lives in its context's schema; carve.yml still names it
    // where it was, so `orders.orders` is the file's `orders` when `orders` is in that context.
    const dot = table.indexOf('.')
    if (dot > 0) {
      const schema = table.slice(0, dot)
      const name = table.slice(dot + 1)
      const context = bySchema.get(schema)
      if (context && tableContext.get(name) === context) return name
    }
    return table
  }
  const owners = new Map(boundaries.contexts.map((c) => [c.name, c.owner]))
  // By consumer and table: a file may hold thousands of exceptions, looked up per access.
  const exceptions = new Map<string, {exception: Exception; index: number}[]>()
  boundaries.exceptions.forEach((exception, index) => {
    const k = `${exception.consumer}\u0000${keyOf(exception.table)}`
    exceptions.set(k, [...(exceptions.get(k) ?? []), {exception, index}])
  })
  return {
    keyOf,
    contextOf: (table) => tableContext.get(keyOf(table)) ?? null,
    contextsOfService: (service) => serviceContexts.get(service) ?? new Set(),
    ownerOf: (context) => owners.get(context) ?? null,
    classification: (table) => boundaries.classifications[keyOf(table)] ?? 'owned',
    exceptionsFor: (consumer, table, access) =>
      // A write exception also lets the consumer read what it writes.
      (exceptions.get(`${consumer}\u0000${keyOf(table)}`) ?? []).filter(({exception: e}) => e.access === access || e.access === 'write'),
  }
}

/** Days from `today` to `date` (both YYYY-MM-DD); negative once it has passed. */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000)
}

/**
 * An exception is valid through its expiry day (`expires: 2027-03-31` still holds on the 31st),
 * the way assess reads it.
 */
export function isExpired(expires: string, today: string): boolean {
  return expires < today
}
