/**
 * The plan's top-level README.md: what the plan does, how to review and run it (with the plan
 * folder's real path), its steps in order, the level diagrams, links per context, and the notes.
 * Wording in templates/plan-readme.md. Pure apart from reading the template.
 */
import {ENGINES} from '../db/engine.js'
import {formatCount} from '../util/numbers.js'
import {plural} from '../util/plural.js'
import {cmp, type PlanInput} from './context.js'
import {MATURITY_LEVELS} from './maturity-diagrams.js'
import {fenced, inlineCode, markdownText, mdTable} from './markdown.js'
import type {PlanManifest} from './model.js'
import {loadTemplate, renderTemplate} from './templates.js'

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
  const summary = `A staged, reversible migration of ${plural(manifest.contexts.length, 'context', undefined, formatCount)} (${plural(tableCount, 'table', undefined, formatCount)}) of a shared ${
    ENGINES[manifest.engine].label
  } database up to Database Ownership Maturity level ${manifest.target_level}, in ${plural(manifest.steps.length, 'step', undefined, formatCount)}. Each step is a folder of SQL a person can read; Carve applies them in order, records each in its ledger (schema ${inlineCode(
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
            `${formatCount(c.tables.length)}${spec && spec.fksOut.length ? ` · ${plural(spec.fksOut.length, 'FK', undefined, formatCount)} out` : ''}`,
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
