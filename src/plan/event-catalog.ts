/** The event catalog of one context: what its outbox emits, per live table, with the payload columns. Pure. */
import {type ContextSpec, type OwnedTable, type PlanInput} from './context.js'
import {inlineCode, markdownText, mdTable, namesList} from './markdown.js'
import {eventTables} from '../steps/outbox/postgres.js'
import {eventDeliveryFields} from './stubs/event-delivery.js'
import {loadTemplate, renderTemplate} from './templates.js'

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
    // WAL or trigger outbox: the opening, two field meanings and who reads the events.
    ...eventDeliveryFields(ctx, input),
    // The AsyncAPI document exists only when there are events (src/plan/stubs): no link to a missing file.
    contract: live.length
      ? 'The same contract, machine-readable: [`api/asyncapi.yaml`](api/asyncapi.yaml) (AsyncAPI 3.0, one\nchannel per table, payloads typed as the outbox writes them).'
      : '',
    summary,
    tables: live.map((t) => eventSection(t, ctx)).join('\n\n'),
  }).replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n')
}
