/**
 * The minimum ownership document of one context (concepts.md): owned tables, write and read
 * APIs, events, allowed consumers, tenant boundary, audit, effective-dated rules, migration
 * owner, backup, exceptions and exit plans — facts computed here, wording in
 * templates/ownership.md. Pure apart from reading the template: no clock, so nothing here says
 * "expired". Every name goes through `markdownText` (or `inlineCode`) before it reaches the page.
 */
import type {Table} from '../introspect/model.js'
import {formatBytes, formatCount} from '../util/numbers.js'
import {plural} from '../util/plural.js'
import {cmp, type ContextSpec, type ForeignAccess, type PlanInput} from './context.js'
import {fenced, inlineCode, markdownText, mdTable, namesList} from './markdown.js'
import {ident, qualified} from './quote.js'
import {itemPath, resourcePath} from './resource-paths.js'
import {roundFigure} from '../steps/common.js'
import {eventTables, outboxName} from '../steps/outbox/postgres.js'
import {loadTemplate, renderTemplate} from './templates.js'

function sourcesText(input: PlanInput): string {
  return input.workload ? ' and the workload' : ' (no workload was given: direct access by other services is unknown)'
}

function consumersOf(ctx: ContextSpec, key: string): ForeignAccess[] {
  return ctx.consumers.filter((c) => c.table === key)
}

/** The open-row condition and business key of an effective-dated table, from its partial index. */
function scd2Shape(table: Table): {open: string | null; key: string[]} | null {
  const scd2 = table.flags.scd2
  if (!scd2) return null
  const mentions = (text: string, column: string) => new RegExp(`(^|[^A-Za-z0-9_])"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?([^A-Za-z0-9_]|$)`).test(text)
  const partial = [...table.indexes].sort((a, b) => cmp(a.name, b.name)).find((i) => i.predicate && mentions(i.predicate, scd2.to))
  if (partial) return {open: partial.predicate, key: partial.columns.filter((c) => c !== scd2.from && c !== scd2.to)}
  const unique = [...table.uniques].sort((a, b) => cmp(a.name, b.name)).find((u) => u.columns.includes(scd2.from))
  return {open: null, key: unique ? unique.columns.filter((c) => c !== scd2.from && c !== scd2.to) : []}
}

/** The minimum ownership document of one context (concepts.md), from templates/ownership.md. */
export function ownershipDocument(ctx: ContextSpec, input: PlanInput): string {
  const owner = markdownText(ctx.owner)
  const live = ctx.tables.filter((t) => t.classification !== 'deprecated')
  const deprecated = ctx.tables.filter((t) => t.classification === 'deprecated')
  const reporting = input.conventions.reportingService

  // Owned tables.
  const tableRows = ctx.tables.map((t) => {
    const notes: string[] = []
    if (t.table.flags.scd2) notes.push(`effective-dated (${markdownText(t.table.flags.scd2.from)} → ${markdownText(t.table.flags.scd2.to)})`)
    if (t.table.flags.tenantColumn) notes.push(`tenant column ${markdownText(t.table.flags.tenantColumn)}`)
    if (t.table.flags.deprecated) notes.push(`deprecated: ${markdownText(t.table.flags.deprecated)}`)
    if (t.table.primaryKey.length === 0) notes.push('no primary key')
    if (t.table.kind === 'partitioned') notes.push('partitioned')
    return [
      markdownText(t.table.name),
      t.classification,
      markdownText(`${t.table.schema}.${t.table.name}`),
      markdownText(`${ctx.schema}.${t.table.name}`),
      t.table.estimatedRows === null ? '?' : formatCount(roundFigure(Math.max(0, t.table.estimatedRows))),
      t.table.sizeBytes === null ? '?' : formatBytes(roundFigure(t.table.sizeBytes)),
      t.table.primaryKey.length ? t.table.primaryKey.map(markdownText).join(', ') : '—',
      notes.join('; '),
    ]
  })
  const tables = ctx.tables.length
    ? `Schema ${markdownText(ctx.schema)} (today the tables are in ${namesList(ctx.tables.map((t) => t.table.schema))}; at level 2 they move and a compatibility view keeps each old name working).\n\n${mdTable(['table', 'class', 'today', 'after the move', 'rows', 'size', 'primary key', 'notes'], tableRows)}`
    : 'No tables of the catalog are assigned to this context.'
  const fkRow = (direction: string, f: ContextSpec['fksOut'][number]): string[] => [
    direction,
    markdownText(f.fk.name),
    markdownText(`${f.from.context} · ${f.from.table.name} (${f.fk.columns.join(', ')})`),
    markdownText(`${f.to.context} · ${f.to.table.name} (${f.fk.refColumns.join(', ')})`),
    f.fk.onDelete,
  ]
  const fkRows = [...ctx.fksOut.map((f) => fkRow('out', f)), ...ctx.fksIn.map((f) => fkRow('in', f))]
  const crossFks = fkRows.length
    ? `\n\nForeign keys crossing the context's edge. They stay while the data shares one database and are dropped at level 3: reconciliation queries find orphans, and those that cascaded or nulled on delete become loose foreign keys (a delete trigger queues keys, a job applies the action).\n\n${mdTable(['direction', 'constraint', 'referencing', 'referenced', 'on delete'], fkRows)}`
    : ''

  // Write and read APIs.
  const writeRows: string[][] = []
  const readRows: string[][] = []
  for (const t of live) {
    const res = resourcePath(t.table.name)
    const item = itemPath(t.table)
    const writers = consumersOf(ctx, t.key).filter((c) => c.writes > 0).map((c) => c.consumer)
    const readers = consumersOf(ctx, t.key).filter((c) => c.reads > 0).map((c) => c.consumer)
    const replacesW = writers.length ? namesList(writers) : ''
    const replacesR = readers.length ? namesList(readers) : ''
    const name = markdownText(t.table.name)
    if (t.table.flags.scd2) {
      writeRows.push([inlineCode(`PATCH ${res}`, true), `close the open row and open the new value, in one transaction (${name} is effective-dated)`, replacesW])
      writeRows.push([inlineCode(`POST ${res}`, true), `open the first value for a new key of ${name}`, ''])
      readRows.push([inlineCode(`GET ${res}/live`, true), `the value in force today, per key`, replacesR])
      readRows.push([inlineCode(`GET ${res}?at={date}`, true), `the value in force on a date (history)`, ''])
      continue
    }
    writeRows.push([inlineCode(`POST ${res}`, true), `create a row of ${name}`, replacesW])
    if (item) {
      writeRows.push([inlineCode(`PATCH ${item}`, true), `update a row of ${name}`, ''])
      writeRows.push([inlineCode(`DELETE ${item}`, true), `delete a row of ${name}`, ''])
    }
    readRows.push([inlineCode(`GET ${res}`, true), `list ${name} (filtered, paged by key)`, replacesR])
    if (item) readRows.push([inlineCode(`GET ${item}`, true), `one row of ${name}`, ''])
  }
  const apiNote = `The contract is in [api/](api/). Paths are the table names in kebab-case; every call carries a correlation id and, for tenant-scoped data, the tenant from the caller's verified identity.`
  const write_apis = writeRows.length
    ? `${mdTable(['call', 'what', 'replaces direct writes by'], writeRows)}\n\nOnly ${owner} implements these: the tables are written nowhere else. ${apiNote}`
    : 'None: this context has no live tables (deprecated tables get no API; their callers move off them).'
  const read_apis = readRows.length ? `${mdTable(['call', 'what', 'replaces direct reads by'], readRows)}\n\n${apiNote}` : 'None.'

  // Events.
  const outbox = `${ctx.schema}.${outboxName(ctx, input)}`
  const evTables = eventTables(ctx)
  const events = evTables.length
    ? `From level 4 on, the outbox ${markdownText(outbox)} records every committed change of ${plural(evTables.length, 'table', undefined, formatCount)} as an event \`<table>.created\`, \`<table>.updated\` or \`<table>.deleted\`: ${evTables
        .slice(0, 6)
        .map((t) => inlineCode(`${t.table.name}.*`))
        .join(', ')}${evTables.length > 6 ? ` and ${evTables.length - 6} more` : ''}. The full catalog with payloads: [events.md](events.md).`
    : 'None (no live tables).'

  // Allowed consumers.
  const byConsumer = new Map<string, ForeignAccess[]>()
  for (const c of ctx.consumers) {
    if (!byConsumer.has(c.consumer)) byConsumer.set(c.consumer, [])
    byConsumer.get(c.consumer)!.push(c)
  }
  const consumerRows = [...byConsumer.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([consumer, list]) => {
      const reads = list.filter((c) => c.reads > 0).map((c) => c.table)
      const writes = list.filter((c) => c.writes > 0).map((c) => c.table)
      const today = [reads.length ? `reads ${namesList(reads)}` : '', writes.length ? `writes ${namesList(writes)}` : ''].filter(Boolean).join('; ')
      const allowed: string[] = []
      for (const c of list.filter((x) => x.exception).sort((a, b) => cmp(a.table, b.table))) {
        allowed.push(`exception: ${c.exception!.access} ${markdownText(c.table)} until ${markdownText(c.exception!.expires)}`)
      }
      if (consumer === reporting && reads.length) allowed.push('report read (read-only reporting role)')
      const unapprovedWrites = list.filter((c) => c.writes > 0 && c.exception?.access !== 'write')
      const unapprovedReads = list.filter((c) => c.reads > 0 && !c.exception && consumer !== reporting)
      if (unapprovedWrites.length) allowed.push(`writes not allowed: write APIs (grant revoked at level 2)`)
      if (unapprovedReads.length) allowed.push('direct reads to be replaced: read APIs, events or a read model (level 4)')
      return [markdownText(consumer), today, allowed.join('; ')]
    })
  const consumers = `Any service may call the read APIs and subscribe to the events. ${
    input.workload ? 'Direct access to the tables seen in the workload, and what is allowed of it:' : 'No workload was given, so direct access by other services is not known; run `carve workload ingest` and regenerate.'
  }${consumerRows.length ? `\n\n${mdTable(['consumer', 'today (workload)', 'allowed'], consumerRows)}` : input.workload ? '\n\nNo other service touches these tables directly.' : ''}\n\nThe ${markdownText(reporting)} service may read every table through its read-only role until the warehouse or read models serve it.`

  // Tenant boundary.
  const tenantTables = ctx.tables.filter((t) => t.table.flags.tenantColumn)
  const globalTables = live.filter((t) => !t.table.flags.tenantColumn)
  const tenant = tenantTables.length
    ? `${mdTable(
        ['table', 'tenant column'],
        tenantTables.map((t) => [markdownText(t.table.name), markdownText(t.table.flags.tenantColumn!)]),
      )}

- The tenant comes from the caller's verified identity (token claims), never from a request body or query string.
- Every read and write of these tables filters on the tenant column; a row is never moved between tenants.
- Audit records actor, tenant, action and resource for every write.${
        globalTables.length
          ? `\n- Not tenant-scoped: ${namesList(globalTables.map((t) => t.table.name))} — shared by all tenants, or missing a tenant column (check before exposing them).`
          : ''
      }`
    : 'No table of this context carries a tenant column: its data is shared by all tenants. _To fill_: confirm that no row belongs to one tenant.'

  // Audit requirements.
  const auditColumns = ctx.tables.flatMap((t) =>
    t.table.columns.filter((c) => /(^|_)(created|updated|changed|modified|deleted)_(by|at)$|_by$/i.test(c.name)).map((c) => `${t.table.name}.${c.name}`),
  )
  const triggers = ctx.tables.flatMap((t) => t.table.triggers.filter((tr) => !tr.name.startsWith('carve_')).map((tr) => `${t.table.name}: ${tr.name}`))
  const scd2Tables = ctx.tables.filter((t) => t.table.flags.scd2)
  const audit = [
    `- Every write API call records actor, ${tenantTables.length ? 'tenant, ' : ''}action, resource (table and key), time and correlation id.`,
    scd2Tables.length ? `- Effective-dated tables (${namesList(scd2Tables.map((t) => t.table.name))}): the old and new values and dates of every change, and who backdated what.` : '',
    '- Writes by an exception holder are audited with the exception they rely on.',
    auditColumns.length ? `- Audit columns today: ${namesList(auditColumns)}.` : '- No audit columns today (`created_by`, `updated_at`, …): the write APIs supply what the tables do not.',
    triggers.length ? `- Triggers today (may hold audit or denormalisation logic the owner takes over): ${namesList(triggers)}.` : '',
    '- _To fill_: where audit records go (the audit context, a log pipeline) and how long they are kept.',
  ]
    .filter(Boolean)
    .join('\n')

  // SCD2 rules.
  const scd2 = scd2Tables.length
    ? scd2Tables
        .map((t) => {
          const {from, to} = t.table.flags.scd2!
          const shape = scd2Shape(t.table)!
          const res = resourcePath(t.table.name)
          const open = shape.open ?? `${ident(to)} IS NULL`
          const keyText = shape.key.length ? shape.key.map(markdownText).join(', ') : '_to fill_ (the columns identifying one attribute)'
          const check = shape.key.length
            ? `\n\nTwo open rows for one key (must return nothing):\n\n${fenced(
                `SELECT ${shape.key.map(ident).join(', ')}, count(*)\nFROM ${qualified(ctx.schema, t.table.name)}\nWHERE ${open}\nGROUP BY ${shape.key.map(ident).join(', ')}\nHAVING count(*) > 1;`,
                'sql',
              )}`
            : ''
          return `### ${markdownText(t.table.name)}

- Valid from ${markdownText(from)}, valid to ${markdownText(to)}; key ${keyText}; open row: ${inlineCode(open)}.
- Only ${owner} closes the open row and opens the new one, in one transaction (${inlineCode(`PATCH ${res}`)}); nobody else inserts or updates rows of this table.
- At most one open row per key; the closed row ends where the new one starts, with no gap and no overlap.
- The owner validates values and their data types before writing; readers resolve the value in force through ${inlineCode(`GET ${res}/live`)}, never by querying dates themselves.
- Backdating (a valid-from in the past) is allowed only through the API and is audited with the old and new values.
- Failure modes to watch: two open rows per key, a wrong or missing close date, unaudited backdating.${check}`
        })
        .join('\n\n')
    : 'No effective-dated (SCD2) tables in this context.'

  // Migration owner.
  const migration_owner = `${owner}: only its migrations change these tables (columns, indexes, constraints, triggers), under database role ${markdownText(ctx.role)}. The Carve plan ${markdownText(input.name)} moves them; ${owner} reviews and approves its steps for this context.`

  // Backup and retention.
  const size = ctx.tables.reduce((n, t) => n + (t.table.sizeBytes ?? 0), 0)
  const rows = ctx.tables.reduce((n, t) => n + Math.max(0, t.table.estimatedRows ?? 0), 0)
  const backup = `_To fill_: backup schedule, restore point and time objectives (RPO/RTO), retention period per table, legal hold and deletion rules.

Today: ~${formatCount(roundFigure(rows))} rows, ~${formatBytes(roundFigure(size))}, covered by the shared database's backups until the split (level 3); from then on ${owner}'s database needs its own.`

  // Exceptions.
  const keys = new Set(ctx.tables.map((t) => t.key))
  const declared = input.boundaries.exceptions.filter((e) => keys.has(e.table)).sort((a, b) => cmp(a.consumer, b.consumer) || cmp(a.table, b.table))
  const undocumented = input.workload ? ctx.consumers.filter((c) => !c.exception && (c.writes > 0 || c.consumer !== reporting)) : []
  const held = ctx.reachesInto.filter((c) => c.exception)
  const exceptionParts: string[] = []
  exceptionParts.push(
    declared.length
      ? mdTable(
          ['consumer', 'table', 'access', 'approved by', 'expires', 'exit plan'],
          declared.map((e) => [markdownText(e.consumer), markdownText(e.table), e.access, markdownText(e.approved_by), markdownText(e.expires), markdownText(e.exit_plan)]),
        )
      : 'No exceptions are recorded in the boundaries file for these tables.',
  )
  if (undocumented.length) {
    exceptionParts.push(
      `Direct access seen in the workload that no exception covers (debt to record or remove):\n\n${mdTable(
        ['consumer', 'table', 'reads', 'writes'],
        undocumented.map((c) => [markdownText(c.consumer), markdownText(c.table), formatCount(c.reads), formatCount(c.writes)]),
      )}`,
    )
  }
  if (held.length) {
    exceptionParts.push(
      `Exceptions ${owner} holds on other contexts:\n\n${mdTable(
        ['context', 'table', 'access', 'expires'],
        held.map((c) => [markdownText(c.context), markdownText(c.table), c.exception!.access, markdownText(c.exception!.expires)]),
      )}`,
    )
  }
  const exceptions = exceptionParts.join('\n\n')

  // Exit plans.
  const exits: string[] = declared.map(
    (e) => `- ${markdownText(e.consumer)} → ${markdownText(e.table)} (${e.access}, approved by ${markdownText(e.approved_by)}, expires ${markdownText(e.expires)}): ${markdownText(e.exit_plan)}`,
  )
  const byTable = new Map(ctx.tables.map((t) => [t.key, t]))
  for (const c of undocumented) {
    const t = byTable.get(c.table)
    const res = t ? resourcePath(t.table.name) : resourcePath(c.table)
    if (c.writes > 0) exits.push(`- ${markdownText(c.consumer)} writes ${markdownText(c.table)}: call the write API ${inlineCode(res)} before level 2 revokes its write grant, or record an approved exception with an expiry.`)
    if (c.reads > 0 && c.consumer !== reporting) exits.push(`- ${markdownText(c.consumer)} reads ${markdownText(c.table)}: call ${inlineCode(`GET ${res}`)}, or subscribe to the events into a read model of its own (level 4).`)
  }
  const exit_plan = exits.length ? `${exits.join('\n')}\n\nEvery exception ends by its expiry date; level 5 requires none open.` : 'Nothing to exit: no exception and no uncovered direct access.'

  const template = loadTemplate('ownership.md')
  return renderTemplate(template, {
    context: markdownText(ctx.name),
    description: ctx.description ? markdownText(ctx.description) : '_To fill_: what this context is responsible for.',
    sources: sourcesText(input),
    owner,
    schema: markdownText(ctx.schema),
    role: markdownText(ctx.role),
    table_count: `${formatCount(ctx.tables.length)}${deprecated.length ? ` (${formatCount(deprecated.length)} deprecated)` : ''}`,
    plan: markdownText(input.name),
    tables: tables + crossFks,
    write_apis,
    read_apis,
    events,
    consumers,
    tenant,
    audit,
    scd2,
    migration_owner,
    backup,
    exceptions,
    exit_plan,
  })
}
