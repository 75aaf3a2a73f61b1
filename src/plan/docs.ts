/**
 * The Markdown a plan carries for people: each context's ownership document (the minimum
 * ownership document of concepts.md) and event catalog, and the plan's README. The wording
 * lives in `templates/` (`{{placeholder}}` fields); this module computes the facts and the
 * generated blocks (tables, lists, diagrams) and fills them in. Pure apart from reading the
 * shipped templates: same input, same text — no clock, so nothing here says "expired".
 *
 * Names come from the database and the boundaries file and may hold anything; every one goes
 * through `markdownText` (or `inlineCode` for paths Carve builds) before it reaches a page.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Table} from '../introspect/model.js'
import {packageRoot} from '../paths.js'
import {formatBytes, formatCount} from '../render/text.js'
import {cmp, type ContextSpec, type ForeignAccess, type OwnedTable, type PlanInput} from './context.js'
import {MATURITY_LEVELS} from './diagrams.js'
import type {PlanManifest} from './model.js'
import {ident, qualified} from './quote.js'
import {roundFigure} from './steps/common.js'
import {eventTables, outboxName} from './steps/outbox.js'

// ---------------------------------------------------------------------------------------------
// Escaping and templates

/**
 * Text for Markdown prose and table cells: one line (newlines would end a table row or start a
 * block), HTML special characters as entities (`<script>` stays text), every Markdown
 * punctuation that can start emphasis, code, links, tables, strikethrough or math escaped with a
 * backslash, and block markers escaped where they would start a block.
 */
export function markdownText(text: string): string {
  let out = text
    .replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd')
    .replace(/\t/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#$!{}]/g, (c) => `\\${c}`)
  // At the start of a cell or list item these would open a list, heading rule or numbered list.
  out = out.replace(/^(\s*)([-+=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2')
  return out
}

/**
 * Inline code: backticks inside are fenced by a longer run, newlines become spaces. In a GFM table
 * cell `|` must be written `\|` even inside code (the table splits cells first); outside tables
 * that backslash would show, so it is escaped only for cells.
 */
export function inlineCode(text: string, inTable = false): string {
  const clean = text.replace(/[\r\n\u2028\u2029]+/g, ' ')
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${inTable ? clean.replace(/\|/g, '\\|') : clean}${pad}${fence}`
}

/** A fenced block that no backtick run inside the content can close early. */
export function fenced(content: string, lang = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${content.replace(/\n+$/, '')}\n${fence}`
}

/**
 * Fill `{{name}}` fields in one pass: values are never scanned for placeholders again, and a
 * field without a value throws (a template and its generator must not drift apart silently).
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`template field {{${name}}} has no value`)
    return value
  })
}

const templateCache = new Map<string, string>()

/** A template shipped in Carve's `templates/` folder. */
export function loadTemplate(name: string): string {
  let text = templateCache.get(name)
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), 'templates', name), 'utf8')
    templateCache.set(name, text)
  }
  return text
}

function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n')
}

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`

// ---------------------------------------------------------------------------------------------
// API paths and small facts

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

function sourcesText(input: PlanInput): string {
  return input.workload ? ' and the workload' : ' (no workload was given: direct access by other services is unknown)'
}

function consumersOf(ctx: ContextSpec, key: string): ForeignAccess[] {
  return ctx.consumers.filter((c) => c.table === key)
}

function namesList(names: string[]): string {
  return [...new Set(names)].sort(cmp).map(markdownText).join(', ')
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

// ---------------------------------------------------------------------------------------------
// Ownership document

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
    ? `From level 4 on, the outbox ${markdownText(outbox)} records every committed change of ${plural(evTables.length, 'table')} as an event \`<table>.created\`, \`<table>.updated\` or \`<table>.deleted\`: ${evTables
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

// ---------------------------------------------------------------------------------------------
// Event catalog

function eventSection(t: OwnedTable, ctx: ContextSpec): string {
  const name = t.table.name
  const key = t.table.primaryKey
  const columns = [...t.table.columns].sort((a, b) => a.position - b.position)
  const rows = columns.map((c) => [
    markdownText(c.name),
    markdownText(c.type),
    c.nullable ? 'yes' : 'no',
    [key.includes(c.name) ? 'key' : '', t.table.flags.tenantColumn === c.name ? 'tenant' : '', c.comment ? markdownText(c.comment) : ''].filter(Boolean).join('; '),
  ])
  return `## ${markdownText(name)}

- Aggregate type: ${inlineCode(name)}
- Aggregate id: ${key.length ? `${key.map(markdownText).join(', ')}${key.length > 1 ? ' (joined with `,` in key order)' : ''}` : '**none: the table has no primary key**, so `aggregate_id` is empty — give it a key before consumers rely on its events'}
- Events: ${['created', 'updated', 'deleted'].map((e) => inlineCode(`${name}.${e}`)).join(', ')}
- Source: ${markdownText(`${ctx.schema}.${name}`)}${t.classification === 'shared-reference' ? ' (shared reference data: changes are rare; consumers may cache)' : ''}

Payload columns:

${mdTable(['column', 'type', 'nullable', 'notes'], rows)}`
}

/** The events a context's outbox emits: one per live table × created/updated/deleted. */
export function eventCatalog(ctx: ContextSpec, input: PlanInput): string {
  const live = eventTables(ctx)
  const retired = ctx.tables.filter((t) => t.classification === 'deprecated')
  const summaryRows = live.map((t) => [
    inlineCode(t.table.name, true),
    ['created', 'updated', 'deleted'].map((e) => inlineCode(`${t.table.name}.${e}`, true)).join(', '),
    t.table.primaryKey.length ? t.table.primaryKey.map(markdownText).join(', ') : '—',
  ])
  let summary = live.length ? mdTable(['aggregate type', 'event types', 'aggregate id'], summaryRows) : 'This context emits no events: it has no live tables.'
  if (retired.length) summary += `\n\nNo events for deprecated tables: ${namesList(retired.map((t) => t.table.name))}.`
  return renderTemplate(loadTemplate('events.md'), {
    context: markdownText(ctx.name),
    outbox: markdownText(`${ctx.schema}.${outboxName(ctx, input)}`),
    summary,
    tables: live.map((t) => eventSection(t, ctx)).join('\n\n'),
  }).replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n')
}

// ---------------------------------------------------------------------------------------------
// Plan README

const LEVEL_NOTES: Record<number, string> = {
  0: 'Before the plan: every service reaches every table; red marks foreign writes, multi-writer tables and cross-context FKs.',
  1: 'Ownership recorded: each context has an owner in the boundaries file and the ownership registry; approved exceptions in amber.',
  2: "Tables in their owner's schema, compatibility views in `public`; other services' write grants revoked, so their writes go through the owner's API.",
  3: 'One database per context: no cross-database FKs or joins; other services use the owner API (or a listed exception).',
  4: 'Cross-context reads served by read models fed by each owner’s outbox events; writes through the owner API.',
  5: 'Independent lifecycle: schema, deploys, audit and contracts evolve per service; no exception left open.',
}

/** The plan's top-level README.md: what it is, how to review and run it, steps, diagrams, contexts, notes. */
export function planReadme(
  manifest: PlanManifest,
  input: PlanInput,
  diagrams: {level: number; mermaid: string}[],
  notes: string[] = [],
  location = `plans/${manifest.name}`,
  overview?: string,
): string {
  const planDir = location || '.'
  const tableCount = manifest.contexts.reduce((n, c) => n + c.tables.length, 0)
  const summary = `A staged, reversible migration of ${plural(manifest.contexts.length, 'context')} (${plural(tableCount, 'table')}) of a shared ${
    manifest.engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'
  } database up to Database Ownership Maturity level ${manifest.target_level}, in ${plural(manifest.steps.length, 'step')}. Each step is a folder of SQL a person can read; Carve applies them in order, records each in its ledger (schema ${inlineCode(
    manifest.conventions.meta_schema,
  )}) and can undo them.`

  const locksText = (locks: string[]): string => {
    if (locks.length === 0) return '—'
    const shown = locks.slice(0, 3).map(markdownText).join(', ')
    return locks.length > 3 ? `${shown} +${locks.length - 3} more` : shown
  }
  const folderOf = (step: PlanManifest['steps'][number]): string => {
    const file = step.files.readme ?? Object.values(step.files).sort(cmp)[0]
    return file ? file.slice(0, file.lastIndexOf('/') + 1) : ''
  }
  const steps = manifest.steps.length
    ? mdTable(
        ['step', 'context', 'kind', 'level', 'depends on', 'locks'],
        manifest.steps.map((s) => {
          const folder = folderOf(s)
          return [
            folder ? `[${s.id}](${encodeURI(folder)})` : s.id,
            s.context === null ? 'all' : markdownText(s.context),
            s.kind,
            `${s.level.from} → ${s.level.to}`,
            s.depends_on.length ? s.depends_on.join(', ') : '—',
            `${locksText(s.locks)}${s.irreversible ? ' · **irreversible**' : ''}`,
          ]
        }),
      )
    : 'This plan has no steps.'

  // The level diagrams are linked, not embedded: six system-wide diagrams made the README
  // thousands of lines long. Each context's README links its part.
  const diagramText = mdTable(
    ['level', 'where the data stands', 'diagram'],
    [...diagrams]
      .sort((a, b) => a.level - b.level)
      .map((d) => [String(d.level), `**${MATURITY_LEVELS.find((l) => l.level === d.level)?.state ?? ''}** — ${LEVEL_NOTES[d.level] ?? ''}`, `[level-${d.level}.mmd](diagrams/level-${d.level}.mmd)`]),
  )

  const specOf = new Map(input.contexts.map((c) => [c.name, c]))
  const contexts = manifest.contexts.length
    ? mdTable(
        ['context', 'owner', 'schema', 'role', 'tables', 'documents'],
        manifest.contexts.map((c) => {
          const base = `contexts/${encodeURIComponent(c.name)}/`
          const spec = specOf.get(c.name)
          const links = [`[ownership](${base}OWNERSHIP.md)`, `[events](${base}events.md)`, `[API](${base}api/)`, `[ER diagram](${base}er.mmd)`]
          return [
            `[${markdownText(c.name)}](${base}README.md)`,
            markdownText(c.owner),
            markdownText(c.schema),
            markdownText(c.role),
            `${formatCount(c.tables.length)}${spec && spec.fksOut.length ? ` · ${plural(spec.fksOut.length, 'FK')} out` : ''}`,
            links.join(' · '),
          ]
        }),
      )
    : 'No contexts.'

  const allNotes = [...notes]
  if (!input.workload) allNotes.push('No workload was given: foreign reads and writes are unknown, so grants and read models cover only what the boundaries file says.')
  // Notes are plain text from the builder and may quote table names: escaped like any name.
  const notesText = allNotes.length ? allNotes.map((n) => `- ${markdownText(n)}`).join('\n') : 'None.'

  return renderTemplate(loadTemplate('plan-readme.md'), {
    name: markdownText(manifest.name),
    database: markdownText(input.catalog.database.name),
    summary,
    generated_by: markdownText(manifest.generated_by),
    catalog_hash: manifest.inputs.catalog.replace(/`/g, ''),
    boundaries_hash: manifest.inputs.boundaries.replace(/`/g, ''),
    workload_hash: manifest.inputs.workload ? inlineCode(manifest.inputs.workload) : '(none)',
    plan_dir: planDir.replace(/[^A-Za-z0-9._/-]/g, '_'),
    steps,
    diagrams: diagramText || 'No diagrams.',
    overview: overview === undefined ? '' : `How the contexts are coupled before the plan (red: one context's owner writes another's tables):\n\n${fenced(overview, 'mermaid')}`,
    contexts,
    notes: notesText,
  })
}
