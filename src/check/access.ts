/**
 * Findings from the evidence of who does what: writes and reads of another context's tables
 * that no exception covers, joins across contexts, and write transactions across contexts.
 * Pure: workload + boundaries in, drafts out (plus which exceptions the evidence used).
 */
import type {Workload} from '../workload/model.js'
import {type Sightings, StatementIndex} from './evidence.js'
import type {Draft} from './model.js'
import {isExpired, type Ownership} from './ownership.js'

export interface AccessOptions {
  today: string
  /** Foreign reads are errors instead of warnings. */
  strictReads: boolean
  sightings: Sightings | null
  /** Built from the workload and sightings when not given (callers running this twice share one). */
  index?: StatementIndex
}

export interface AccessResult {
  drafts: Draft[]
  /** Indexes of the exceptions some access in the evidence matched (expired or not). */
  usedExceptions: Set<number>
}

export function accessFindings(workload: Workload, own: Ownership, options: AccessOptions): AccessResult {
  const drafts: Draft[] = []
  const used = new Set<number>()
  const index = options.index ?? new StatementIndex(workload, options.sightings)
  const opts = {...options, index}
  for (const a of workload.access) {
    const context = own.contextOf(a.table)
    if (!context || own.contextsOfService(a.service).has(context)) continue
    const table = own.keyOf(a.table)
    const owner = own.ownerOf(context)
    const kinds: ['write' | 'read', number][] = [['write', a.write], ['read', a.read + a.lock]]
    for (const [access, count] of kinds) {
      if (count === 0) continue
      // Everyone reads shared reference data (code lists): that is what it is for.
      if (access === 'read' && own.classification(table) === 'shared-reference') continue
      const exceptions = own.exceptionsFor(a.service, table, access)
      for (const e of exceptions) used.add(e.index)
      if (exceptions.some((e) => !isExpired(e.exception.expires, options.today))) continue
      const expired = exceptions[0]?.exception
      const evidence = access === 'write' ? index.writes(a.service, a.table, count) : index.reads(a.service, a.table, count)
      const verb = access === 'write' ? 'writes' : 'reads'
      drafts.push({
        rule: access === 'write' ? 'foreign-write' : 'foreign-read',
        severity: access === 'write' || options.strictReads ? 'error' : 'warning',
        context,
        table,
        consumer: a.service,
        access,
        message: `${a.service} ${verb} ${table} of context ${context}${owner ? ` (owner ${owner})` : ''}: ${count} execution${count === 1 ? '' : 's'}, ${expired ? `its exception expired on ${expired.expires}` : 'no exception'}`,
        evidence,
        anchor: {kind: 'table', table},
      })
    }
  }
  // Appended one by one: tens of thousands of drafts as the arguments of one push overflow the stack.
  for (const d of joinFindings(workload, own, opts)) drafts.push(d)
  for (const d of transactionFindings(workload, own, opts)) drafts.push(d)
  return {drafts, usedExceptions: used}
}

/** The side of a pair the service does not own (the one that makes it a cross-context access). */
function foreignSide(own: Ownership, service: string, tables: string[]): string {
  const mine = own.contextsOfService(service)
  return tables.find((t) => !mine.has(own.contextOf(t)!)) ?? tables[0]!
}

function joinFindings(workload: Workload, own: Ownership, options: AccessOptions & {index: StatementIndex}): Draft[] {
  const drafts: Draft[] = []
  for (const j of workload.joins) {
    const [a, b] = j.tables as [string, string]
    const ca = own.contextOf(a)
    const cb = own.contextOf(b)
    if (!ca || !cb || ca === cb) continue
    // A join with a code list is how reference data is meant to be used.
    if (own.classification(a) === 'shared-reference' || own.classification(b) === 'shared-reference') continue
    for (const [service, calls] of Object.entries(j.services)) {
      const table = own.keyOf(foreignSide(own, service, [a, b]))
      const other = own.keyOf(table === own.keyOf(a) ? b : a)
      const context = own.contextOf(table)!
      drafts.push({
        rule: 'cross-context-join',
        severity: 'warning',
        context,
        table,
        consumer: service,
        access: 'join',
        subject: other,
        message: `${service} joins ${table} (${context}) with ${other} (${own.contextOf(other)}): ${calls} execution${calls === 1 ? '' : 's'}`,
        evidence: options.index.joins(service, a, b, calls),
        anchor: {kind: 'table', table},
      })
    }
  }
  return drafts
}

function transactionFindings(workload: Workload, own: Ownership, options: AccessOptions & {index: StatementIndex}): Draft[] {
  const drafts: Draft[] = []
  for (const t of workload.transactions) {
    const contexts = [...new Set(t.tables.map((x) => own.contextOf(x)).filter((c): c is string => c !== null))].sort()
    if (contexts.length < 2) continue
    // What does not depend on the service, once per transaction group.
    const tables = t.tables.map((x) => own.keyOf(x))
    const owned = t.tables.filter((x) => own.contextOf(x) !== null)
    const inGroup = new Set(t.tables)
    const listed = tables.join(', ')
    const subject = tables.join(',')
    for (const [service, calls] of Object.entries(t.services)) {
      const table = foreignSide(own, service, owned)
      const context = own.contextOf(table)!
      const key = own.keyOf(table)
      drafts.push({
        rule: 'cross-context-transaction',
        severity: 'warning',
        context,
        table: key,
        consumer: service,
        access: 'transaction',
        subject,
        message: `${service} writes ${listed} (contexts ${contexts.join(', ')}) in one transaction: ${calls} time${calls === 1 ? '' : 's'}`,
        evidence: options.index.writesWithin(service, table, inGroup, calls),
        anchor: {kind: 'table', table: key},
      })
    }
  }
  return drafts
}
