/**
 * A decoder for the messages of PostgreSQL's `pgoutput` logical decoding plugin, protocol
 * version 1 (PostgreSQL 10+), as pg_logical_slot_peek_binary_changes returns them: one message
 * per row. Only what the relay needs: transactions (Begin, Commit), relations, and the rows of
 * Insert, Update and Delete in text form; Truncate, Origin, Type and Message are recognised and
 * passed on so a caller can say what it skipped. Pure: bytes in, plain objects out.
 *
 * Message layouts: "Logical Replication Message Formats" in the PostgreSQL documentation.
 */

/** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
const PG_EPOCH_US = 946_684_800_000_000n

export interface RelationColumn {
  name: string
  typeOid: number
  /** Part of the replica identity (the key an Update/Delete carries). */
  key: boolean
}

export interface Relation {
  id: number
  schema: string
  name: string
  /** 'd' default (primary key), 'n' nothing, 'f' full row, 'i' an index. */
  replicaIdentity: string
  columns: RelationColumn[]
}

/** One column's value: text as PostgreSQL prints it, null, or unchanged (a TOASTed value an Update did not touch). */
export type TupleValue = string | null | {unchanged: true}

export type PgOutputMessage =
  | {tag: 'begin'; finalLsn: bigint; commitTime: Date; xid: number}
  | {tag: 'commit'; commitLsn: bigint; endLsn: bigint; commitTime: Date}
  | {tag: 'relation'; relation: Relation}
  | {tag: 'insert'; relationId: number; row: TupleValue[]}
  | {tag: 'update'; relationId: number; old: TupleValue[] | null; row: TupleValue[]}
  | {tag: 'delete'; relationId: number; old: TupleValue[]; oldIsKey: boolean}
  | {tag: 'truncate'; relationIds: number[]}
  | {tag: 'other'; kind: string}

class Reader {
  private at = 0
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    return this.buf.readUInt8(this.at++)
  }
  char(): string {
    return String.fromCharCode(this.byte())
  }
  int16(): number {
    const v = this.buf.readInt16BE(this.at)
    this.at += 2
    return v
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.at)
    this.at += 4
    return v
  }
  uint32(): number {
    const v = this.buf.readUInt32BE(this.at)
    this.at += 4
    return v
  }
  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.at)
    this.at += 8
    return v
  }
  string(): string {
    const end = this.buf.indexOf(0, this.at)
    if (end < 0) throw new Error('pgoutput: unterminated string')
    const s = this.buf.toString('utf8', this.at, end)
    this.at = end + 1
    return s
  }
  bytes(n: number): Buffer {
    const b = this.buf.subarray(this.at, this.at + n)
    this.at += n
    return b
  }
  tuple(): TupleValue[] {
    const n = this.int16()
    const values: TupleValue[] = []
    for (let i = 0; i < n; i++) {
      const kind = this.char()
      if (kind === 'n') values.push(null)
      else if (kind === 'u') values.push({unchanged: true})
      else if (kind === 't' || kind === 'b') values.push(this.bytes(this.int32()).toString('utf8'))
      else throw new Error(`pgoutput: unknown tuple value kind ${JSON.stringify(kind)}`)
    }
    return values
  }
}

function pgTime(us: bigint): Date {
  return new Date(Number((us + PG_EPOCH_US) / 1000n))
}

export function decodePgOutput(data: Buffer): PgOutputMessage {
  const r = new Reader(data)
  const tag = r.char()
  switch (tag) {
    case 'B':
      return {tag: 'begin', finalLsn: r.int64(), commitTime: pgTime(r.int64()), xid: r.uint32()}
    case 'C': {
      r.byte() // flags (unused)
      return {tag: 'commit', commitLsn: r.int64(), endLsn: r.int64(), commitTime: pgTime(r.int64())}
    }
    case 'R': {
      const id = r.uint32()
      const schema = r.string()
      const name = r.string()
      const replicaIdentity = r.char()
      const n = r.int16()
      const columns: RelationColumn[] = []
      for (let i = 0; i < n; i++) {
        const flags = r.byte()
        const col = r.string()
        const typeOid = r.uint32()
        r.int32() // type modifier
        columns.push({name: col, typeOid, key: (flags & 1) === 1})
      }
      return {tag: 'relation', relation: {id, schema, name, replicaIdentity, columns}}
    }
    case 'I': {
      const relationId = r.uint32()
      r.char() // 'N'
      return {tag: 'insert', relationId, row: r.tuple()}
    }
    case 'U': {
      const relationId = r.uint32()
      let kind = r.char()
      let old: TupleValue[] | null = null
      if (kind === 'K' || kind === 'O') {
        old = r.tuple()
        kind = r.char()
      }
      return {tag: 'update', relationId, old, row: r.tuple()}
    }
    case 'D': {
      const relationId = r.uint32()
      const kind = r.char()
      return {tag: 'delete', relationId, oldIsKey: kind === 'K', old: r.tuple()}
    }
    case 'T': {
      const n = r.int32()
      r.byte() // options
      const relationIds: number[] = []
      for (let i = 0; i < n; i++) relationIds.push(r.uint32())
      return {tag: 'truncate', relationIds}
    }
    default:
      return {tag: 'other', kind: tag}
  }
}

/** An LSN as PostgreSQL prints it (`16/B374D848`). */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`
}

export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text)
  if (!m) throw new Error(`not an LSN: ${JSON.stringify(text)}`)
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`)
}
