/**
 * A backfill in a process of its own, for test/backfill-kill.test.ts to SIGKILL at random points.
 *
 *   node --import tsx test/support/backfill-child.ts SOURCE_URL TARGET_URL TABLES_JSON
 *
 * Copies each table of TABLES_JSON ({cross: boolean, table: CopyTable}[]) in turn — into
 * TARGET_URL's database when `cross`, within the source database otherwise — keeping checkpoints
 * in `carve_test.checkpoints` of the source database, written after every batch as the executor's
 * ledger does (carve.ledger_steps.checkpoint). Prints `ready`; `resume <table> <n>` when resuming,
 * n being the rows on the target beyond the checkpoint (a batch the previous run committed but was
 * killed before checkpointing); `batch <table> <rows>` after each checkpoint; `done` at the end.
 */
import {openPostgres} from '../../src/db/postgres.js'
import {backfillTable, type BackfillCheckpoint, type CopyTable} from '../../src/execute/backfill.js'
import {keyParams, readShape, rowCompare} from '../../src/execute/pg-table.js'

const [sourceUrl, targetUrl, tablesJson] = process.argv.slice(2)
if (!sourceUrl || !targetUrl || !tablesJson) {
  process.stderr.write('usage: backfill-child.ts SOURCE_URL TARGET_URL TABLES_JSON\n')
  process.exit(2)
}
const tables = JSON.parse(tablesJson) as {cross: boolean; table: CopyTable}[]

const source = await openPostgres(sourceUrl)
const target = await openPostgres(targetUrl)
const ledger = await openPostgres(sourceUrl)
await ledger.exec(`CREATE SCHEMA IF NOT EXISTS carve_test; CREATE TABLE IF NOT EXISTS carve_test.checkpoints (label text PRIMARY KEY, state jsonb NOT NULL)`)
process.stdout.write('ready\n')

for (const {cross, table} of tables) {
  const label = `${table.source.schema}.${table.source.name}`
  const [saved] = await ledger.query<{state: BackfillCheckpoint}>(`SELECT state FROM carve_test.checkpoints WHERE label = $1`, [label])
  if (saved && !saved.state.done) {
    const t = cross ? target : source
    const shape = await readShape(t, table.target)
    const types = table.key.map((k) => shape.columns.get(k)!.type)
    const cols = table.key.map((k) => `"${k}"`)
    const where = saved.state.after ? `WHERE ${rowCompare(cols, '>', keyParams(types, 1))}` : ''
    const [ahead] = await t.query<{n: number}>(`SELECT count(*)::int AS n FROM "${table.target.schema}"."${table.target.name}" ${where}`, saved.state.after ?? [])
    process.stdout.write(`resume ${label} ${ahead!.n}\n`)
  }
  await backfillTable(
    source,
    cross ? target : null,
    table,
    {
      load: async () => {
        const [row] = await ledger.query<{state: BackfillCheckpoint}>(`SELECT state FROM carve_test.checkpoints WHERE label = $1`, [label])
        return row?.state ?? null
      },
      save: async (c) => {
        await ledger.query(`INSERT INTO carve_test.checkpoints VALUES ($1, $2) ON CONFLICT (label) DO UPDATE SET state = EXCLUDED.state`, [label, JSON.stringify(c)])
      },
    },
    {
      batchSize: 500,
      maxBatchSize: 500,
      batchTargetMs: 50,
      onBatch: (p) => process.stdout.write(`batch ${label} ${p.done}\n`),
    },
  )
}
process.stdout.write('done\n')
await Promise.all([source.close(), target.close(), ledger.close()])
