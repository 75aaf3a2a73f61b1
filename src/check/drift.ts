/**
 * Plan drift (what `carve plan --check` reports) as findings: the committed plan folder against
 * the plan Carve would write now from the same catalog, boundaries and workload. The options the
 * plan was written with (name, target level, split, contexts, conventions) come from its plan.yml.
 */
import {join} from 'node:path'

import type {BoundariesFile} from '../boundaries/file.js'
import type {Catalog} from '../introspect/model.js'
import {generatePlan} from '../plan/generate.js'
import {comparePlan, MANIFEST, readManifest} from '../plan/write.js'
import type {Workload} from '../workload/model.js'
import type {Draft} from './model.js'

export function driftFindings(dir: string, catalog: Catalog, boundaries: BoundariesFile, workload: Workload | null): Draft[] {
  const manifest = readManifest(dir)
  const planned = manifest.contexts.map((c) => c.name)
  const all = boundaries.contexts.map((c) => c.name)
  const subset = planned.length < all.length && planned.every((c) => all.includes(c))
  const plan = generatePlan(catalog, boundaries, workload, {
    name: manifest.name,
    targetLevel: manifest.target_level,
    split: manifest.steps.some((s) => s.kind.startsWith('split-')),
    only: subset ? planned : undefined,
    conventions: {
      rolePrefix: manifest.conventions.role_prefix,
      metaSchema: manifest.conventions.meta_schema,
      outboxTable: manifest.conventions.outbox_table,
      reportingService: manifest.conventions.reporting_service,
    },
  })
  const drift = comparePlan(dir, plan)
  const files: [string, string][] = [
    ...drift.changed.map((f) => [f, 'changed'] as [string, string]),
    ...drift.missing.map((f) => [f, 'missing'] as [string, string]),
    ...drift.extra.map((f) => [f, 'extra (Carve would not write it)'] as [string, string]),
  ]
  // The step a file belongs to names its context (steps/NNN-kind-context/…).
  const contextOfFile = (file: string) => {
    const step = manifest.steps.find((s) => file.startsWith(`steps/${s.id}/`))
    const ctx = /^contexts\/([^/]+)\//.exec(file)?.[1]
    return step?.context ?? ctx ?? null
  }
  return files.map(([file, how]) => ({
    rule: 'plan-drift' as const,
    severity: 'error' as const,
    context: contextOfFile(file),
    table: null,
    consumer: null,
    access: null,
    subject: join(dir, file),
    message: `${join(dir, file)} is ${how}: the committed plan differs from what carve plan would write now (run carve plan --out ${dir})`,
    evidence: null,
    anchor: {kind: 'file' as const, file: join(dir, file === MANIFEST ? MANIFEST : file)},
  }))
}
