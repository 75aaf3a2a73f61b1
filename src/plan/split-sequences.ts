/**
 * The two sequences a reviewer most needs to see before a physical split (Mermaid
 * sequenceDiagram): change capture + backfill, and the cut-over. Pure.
 *
 * Names come from the database and may hold anything (`end`, `graph`, quotes, `<script>`,
 * semicolons, newlines). No name is ever a Mermaid identifier: every node, subgraph, entity and
 * participant gets a generated id (`sv0`, `dt3`, `p1`), and names go into quoted labels through
 * `mermaidText`, which writes every unsafe character as a Mermaid entity code.
 */
import {compactPlural, mermaidText} from '../util/mermaid-text.js'
import type {ContextSpec} from './context.js'

/** Participants of the split sequences; `as` aliases are unquoted, so names go through mermaidText. */
function participants(ctx: ContextSpec): string[] {
  return [
    `  participant p0 as ${mermaidText(ctx.owner)}`,
    '  participant p1 as Carve executor',
    '  participant p2 as shared database (source)',
    `  participant p3 as database ${mermaidText(ctx.name)} (target)`,
    '  participant p4 as other services',
  ]
}

function tablesText(ctx: ContextSpec): string {
  const names = ctx.tables.map((t) => t.table.name)
  const shown = names.slice(0, 4).map(mermaidText).join(', ')
  return names.length > 4 ? `${shown} +${names.length - 4} more` : shown || 'no tables'
}

/**
 * Dual-write (change capture) and backfill before a physical split: the target is created,
 * every change on the source is captured in the same transaction, existing rows are copied in
 * keyset batches (copied, never touched), the captured changes are replayed until the target
 * is within the lag, and parity is checked chunk by chunk. Writes never stop.
 */
export function dualWriteSequence(ctx: ContextSpec): string {
  const lines = ['sequenceDiagram']
  lines.push(`  %% Change capture and backfill of context ${mermaidText(ctx.name)}. Ids are generated; names are in the aliases.`)
  lines.push('  autonumber')
  lines.push(...participants(ctx))
  lines.push(`  Note over p2,p3: ${compactPlural(ctx.tables.length, 'table')}: ${tablesText(ctx)}`)
  lines.push(`  p1->>p3: create schema ${mermaidText(ctx.schema)}, tables, keys, indexes (split-prepare)`)
  lines.push('  p1->>p2: install change capture (AFTER row triggers into a change log, or a logical replication publication)')
  lines.push('  par writes go on')
  lines.push('    p0->>p2: INSERT, UPDATE, DELETE as today')
  lines.push('    p2->>p2: same transaction: the change is recorded in the change log')
  lines.push('  and backfill (split-copy)')
  lines.push('    loop keyset batches of 1000 rows, in primary key order')
  lines.push('      p1->>p2: SELECT the next batch after the last key')
  lines.push('      p1->>p3: INSERT … ON CONFLICT DO NOTHING (rows are copied, never touched on the source)')
  lines.push('      p1->>p1: ledger: checkpoint the last key (a restart resumes here)')
  lines.push('    end')
  lines.push('  end')
  lines.push('  loop catch-up (split-sync) until the lag is small')
  lines.push('    p1->>p2: read change log after the last applied position')
  lines.push('    p1->>p3: apply upserts and deletes in commit order')
  lines.push('  end')
  lines.push('  p1->>p2: checksum chunk by chunk (count + hash per key range)')
  lines.push('  p1->>p3: the same checksums')
  lines.push('  alt chunks differ')
  lines.push('    p1->>p3: re-copy the differing chunks, then check them again')
  lines.push('  else all chunks match')
  lines.push('    Note over p1,p3: ready for cut-over · the source is still the system of record')
  lines.push('  end')
  lines.push('  p4->>p2: reads and writes still reach the source (compatibility views)')
  return lines.join('\n') + '\n'
}

/**
 * The cut-over: a bounded write pause (lock_timeout, abort when the lock is not obtained), the
 * final catch-up, a parity check, the switch, reverse replication (so a rollback keeps writes made
 * after the switch), and the release. Every failure before the switch aborts with the source
 * still authoritative.
 */
export function cutoverSequence(ctx: ContextSpec): string {
  const lines = ['sequenceDiagram']
  lines.push(`  %% Cut-over of context ${mermaidText(ctx.name)}. Ids are generated; names are in the aliases.`)
  lines.push('  autonumber')
  lines.push(...participants(ctx))
  lines.push('  p1->>p2: SET lock_timeout = 3s · LOCK the tables IN EXCLUSIVE MODE (reads go on)')
  lines.push('  alt lock not obtained within lock_timeout')
  lines.push('    p2-->>p1: lock timeout')
  lines.push('    p1->>p1: abort: nothing switched · retry later with jitter')
  lines.push('  else write pause begins')
  lines.push('    p0->>p2: writes wait on the lock (bounded by the pause)')
  lines.push('    p1->>p2: final catch-up: drain the change log to its end')
  lines.push('    p1->>p3: apply the last changes')
  lines.push('    p1->>p2: parity: row counts and checksums')
  lines.push('    p1->>p3: parity: row counts and checksums')
  lines.push('    alt parity mismatch or pause budget exceeded')
  lines.push('      p1->>p2: ROLLBACK · locks released, writes resume on the source')
  lines.push('      Note over p1,p3: abort path: the source stays authoritative, the target is re-synced')
  lines.push('    else parity holds')
  lines.push(`      p1->>p2: switch: compatibility views and routing point at database ${mermaidText(ctx.name)}`)
  lines.push('      p1->>p3: start reverse replication (target → source) for rollback')
  lines.push('      p1->>p1: ledger: cut-over recorded with the source and target positions')
  lines.push('      p1->>p2: COMMIT · release the write pause')
  lines.push('      p0->>p3: writes now go to the target')
  lines.push('      p3-->>p2: reverse replication keeps the source current')
  lines.push('      p4->>p0: foreign access through the owner API or events')
  lines.push('    end')
  lines.push('  end')
  lines.push('  Note over p2,p3: rollback after the switch: stop reverse sync, switch back, no write lost · decommission only after the soak period')
  return lines.join('\n') + '\n'
}
