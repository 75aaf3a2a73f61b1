/**
 * Changes read from the WAL → events in the outbox's shape (the AsyncAPI envelope the trigger
 * outbox writes): aggregate type = table, aggregate id = key values joined with ",", event type
 * `<table>.created|updated|deleted`, the row as JSON the way to_jsonb renders it. The id is the
 * event's position in the WAL — the transaction's commit end LSN and the change's index in it —
 * so ids increase in commit order and the same change always gets the same id: consumers (and
 * the relay after a restart) deduplicate by it.
 */
import {formatLsn, type Relation, type TupleValue} from './pgoutput.js'

export interface OutboxEvent {
  /** `<commit end LSN as 16 hex digits>-<index in the transaction, 6 digits>`: sortable text. */
  id: string
  aggregate_type: string
  aggregate_id: string
  event_type: string
  payload: Record<string, unknown>
  created_at: string
  /** Where it was read: the transaction's commit end LSN (as PostgreSQL prints it) and xid. */
  source: {lsn: string; xid: number; schema: string}
}

export interface EventPosition {
  lsn: bigint
  index: number
}

export function eventId(pos: EventPosition): string {
  return `${pos.lsn.toString(16).toUpperCase().padStart(16, '0')}-${String(pos.index).padStart(6, '0')}`
}

export function parseEventId(id: string): EventPosition | null {
  const m = /^([0-9A-F]{16})-(\d{6,})$/.exec(id)
  return m ? {lsn: BigInt(`0x${m[1]}`), index: Number(m[2])} : null
}

export function comparePositions(a: EventPosition, b: EventPosition): number {
  return a.lsn < b.lsn ? -1 : a.lsn > b.lsn ? 1 : a.index - b.index
}

// Type OIDs (pg_type): the ones to_jsonb renders as something other than a string.
const INTEGERS = new Set([20, 21, 23, 26])
const NUMBERS = new Set([700, 701, 1700])
const BOOL = 16
const JSONS = new Set([114, 3802])
const TIMESTAMPTZ = 1184
const TIMESTAMP = 1114

/** Array type OID → element type OID, for the element types to_jsonb renders as non-strings (and text-like ones). */
const ARRAY_ELEMENT: Record<number, number> = {
  1005: 21, 1007: 23, 1016: 20, 1028: 26, 1021: 700, 1022: 701, 1231: 1700, 1000: 16, 199: 114, 3807: 3802,
  1185: 1184, 1115: 1114, 1009: 25, 1015: 1043, 1014: 1042, 2951: 2950, 1182: 1082, 1183: 1083, 1270: 1266,
}

/** A PostgreSQL array literal (`{1,2}`, `{"a b",NULL}`, `{{1,2},{3,4}}`) → nested arrays of element texts (null for NULL). */
export function parseArrayLiteral(text: string): unknown[] {
  let at = 0
  const parse = (): unknown[] => {
    // Skip a dimension decoration such as [0:1]={...}.
    if (text[at] === '[') at = text.indexOf('=', at) + 1
    if (text[at] !== '{') throw new Error(`not an array literal: ${JSON.stringify(text)}`)
    at++
    const out: unknown[] = []
    if (text[at] === '}') {
      at++
      return out
    }
    for (;;) {
      if (text[at] === '{') out.push(parse())
      else if (text[at] === '"') {
        let value = ''
        at++
        while (text[at] !== '"') {
          if (text[at] === '\\') at++
          value += text[at++]
        }
        at++
        out.push(value)
      } else {
        let end = at
        while (text[end] !== ',' && text[end] !== '}') end++
        const raw = text.slice(at, end).trim()
        out.push(raw.toUpperCase() === 'NULL' ? null : raw)
        at = end
      }
      if (text[at] === ',') at++
      else if (text[at] === '}') {
        at++
        return out
      } else throw new Error(`not an array literal: ${JSON.stringify(text)}`)
    }
  }
  return parse()
}

/** A column's text value as to_jsonb would give it (numbers, booleans, JSON, ISO timestamps, arrays). */
export function jsonValue(text: string, typeOid: number): unknown {
  const element = ARRAY_ELEMENT[typeOid]
  if (element !== undefined) {
    const convert = (v: unknown): unknown => (Array.isArray(v) ? v.map(convert) : v === null ? null : jsonValue(v as string, element))
    return convert(parseArrayLiteral(text))
  }
  if (INTEGERS.has(typeOid)) {
    const n = Number(text)
    return Number.isSafeInteger(n) ? n : text
  }
  if (NUMBERS.has(typeOid)) {
    const n = Number(text)
    return Number.isFinite(n) ? n : text
  }
  if (typeOid === BOOL) return text === 't'
  if (JSONS.has(typeOid)) return JSON.parse(text) as unknown
  if (typeOid === TIMESTAMPTZ || typeOid === TIMESTAMP) {
    // 2026-06-01 10:00:00.123+02 → 2026-06-01T10:00:00.123+02:00 (to_jsonb's form)
    const iso = text.replace(' ', 'T')
    return typeOid === TIMESTAMPTZ ? iso.replace(/([+-]\d\d)$/, '$1:00').replace(/([+-]\d\d):?(\d\d)$/, '$1:$2') : iso
  }
  return text
}

/** The row as an object; unchanged TOASTed values (not sent by PostgreSQL) are left out. */
export function rowObject(relation: Relation, values: readonly TupleValue[]): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  relation.columns.forEach((c, i) => {
    const v = values[i]
    if (v === undefined || (v !== null && typeof v === 'object')) return
    row[c.name] = v === null ? null : jsonValue(v, c.typeOid)
  })
  return row
}

/** Key values joined with "," in key order; empty when the table has no key (replica identity full or nothing). */
export function aggregateId(relation: Relation, values: readonly TupleValue[]): string {
  if (relation.replicaIdentity === 'f' || relation.replicaIdentity === 'n') return ''
  return relation.columns
    .map((c, i) => ({c, v: values[i]}))
    .filter(({c}) => c.key)
    .map(({v}) => (typeof v === 'string' ? v : ''))
    .join(',')
}

export type ChangeKind = 'created' | 'updated' | 'deleted'

export function toEvent(relation: Relation, kind: ChangeKind, values: readonly TupleValue[], keyValues: readonly TupleValue[], pos: EventPosition, xid: number, commitTime: Date): OutboxEvent {
  return {
    id: eventId(pos),
    aggregate_type: relation.name,
    aggregate_id: aggregateId(relation, keyValues),
    event_type: `${relation.name}.${kind}`,
    payload: rowObject(relation, values),
    created_at: commitTime.toISOString(),
    source: {lsn: formatLsn(pos.lsn), xid, schema: relation.schema},
  }
}
