/**
 * A plan on disk: `plan.yml` (the manifest) and one folder per step. People review and edit
 * these files in pull requests, so the manifest is validated with zod and every file carries a
 * checksum: an edited, truncated or missing file is refused before anything runs.
 *
 * Every step has one shape, whatever it does (pgroll's idea: one operation type with
 * start/complete/rollback/validate): `up.sql` makes the change, `down.sql` undoes it, `verify.sql`
 * fails loudly when the change is absent. Steps whose work cannot be one SQL script (copying rows
 * to another database, replication, cut-over) carry a `spec` the executor reads; their SQL files
 * hold the parts that are plain SQL.
 */
import {z} from 'zod'

export const PLAN_FORMAT = 'carve.plan/v1' as const

/** Every kind is a folder src/steps/<kind>/ registered once in src/steps/registry.ts (test/steps-registry.test.ts). */
export const STEP_KINDS = [
  /** 0→1: ownership registry rows and an ownership document. */
  'document-ownership',
  /** 1→2: one NOLOGIN role per service (plan-wide). */
  'service-roles',
  /** 1→2: owner writes, approved/reporting reads, every other write revoked. */
  'grants',
  /** →2: tables into the context's schema, compatibility views left behind. */
  'move-to-schema',
  /** →3: cross-context FKs dropped, reconciliation queries and loose-FK cleanup. */
  'replace-foreign-keys',
  /** →4: outbox table fed by triggers on owned tables, event catalog. */
  'outbox',
  /** →4: projections owned by the consumer for cross-context reads. */
  'read-models',
  /** →3: target database schema, change capture on the source. */
  'split-prepare',
  /** →3: keyset-batched copy of existing rows into the target database. */
  'split-copy',
  /** →3: ongoing sync (logical replication, or dual-write change capture). */
  'split-sync',
  /** →3: bounded write pause, final catch-up, parity, switch, reverse sync. */
  'split-cutover',
  /** →5: after the soak period, the source copy is dropped. */
  'split-decommission',
] as const
export type StepKind = (typeof STEP_KINDS)[number]

export const STEP_FILES = ['up', 'down', 'verify', 'readme'] as const
export type StepFile = (typeof STEP_FILES)[number]

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex')
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the plan folder')

export const stepSchema = z
  .object({
    id: z.string().regex(/^\d{3}-[a-z0-9-]+$/, 'like 004-move-to-schema-orders'),
    title: z.string().min(1),
    context: z.string().nullable(),
    kind: z.enum(STEP_KINDS),
    level: z.object({from: z.number().int().min(0).max(5), to: z.number().int().min(0).max(5)}).strict(),
    depends_on: z.array(z.string()).default([]),
    /** Run up/down inside one transaction (false for CREATE DATABASE, subscriptions, ...). */
    transactional: z.boolean().default(true),
    /** Tables whose locks the step takes: the executor applies lock_timeout and retries. */
    locks: z.array(z.string()).default([]),
    /** The step cannot be undone without data loss (decommission): rollback refuses without --force. */
    irreversible: z.boolean().default(false),
    files: z.record(z.string(), relativePath),
    checksums: z.record(z.string(), sha256),
    /** Kind-specific settings for steps the executor drives (copy, sync, cut-over); checked against the kind's schema when the plan is loaded. */
    spec: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

export type PlanStep = z.infer<typeof stepSchema>

export const planSchema = z
  .object({
    format: z.literal(PLAN_FORMAT),
    name: z.string().min(1),
    engine: z.enum(['postgres', 'mysql']),
    generated_by: z.string(),
    inputs: z.object({catalog: z.string(), boundaries: z.string(), workload: z.string().nullable()}).strict(),
    target_level: z.number().int().min(1).max(5),
    conventions: z
      .object({role_prefix: z.string(), meta_schema: z.string(), outbox_table: z.string(), reporting_service: z.string(), compat: z.enum(['views', 'search-path']).optional()})
      .strict(),
    contexts: z.array(z.object({name: z.string(), owner: z.string(), schema: z.string(), role: z.string(), tables: z.array(z.string())}).strict()),
    steps: z.array(stepSchema),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const ids = new Set<string>()
    plan.steps.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({code: 'custom', path: ['steps', i, 'id'], message: `step "${s.id}" is listed twice`})
      for (const d of s.depends_on) {
        if (!ids.has(d)) ctx.addIssue({code: 'custom', path: ['steps', i, 'depends_on'], message: `depends on "${d}", which is not an earlier step`})
      }
      for (const f of Object.keys(s.files)) if (!s.checksums[f]) ctx.addIssue({code: 'custom', path: ['steps', i, 'checksums'], message: `no checksum for ${f}`})
      ids.add(s.id)
    })
  })

export type PlanManifest = z.infer<typeof planSchema>

/** A plan in memory: the manifest plus every file's content, keyed by path inside the plan folder. */
export interface GeneratedPlan {
  manifest: PlanManifest
  files: Map<string, string>
  /** Things a reviewer should know that are not steps (unsupported on this engine, tables without a key, ...). */
  notes: string[]
}
