/** The settings of a split-copy step (`spec` in plan.yml): which tables to copy, by which key, into which database. */
import {z} from 'zod'

const relation = z.object({schema: z.string().min(1), name: z.string().min(1)}).strict()

export const splitCopySpecSchema = z.object({
  target_database: z.string().min(1),
  tables: z
    .array(
      z
        .object({source: relation, target: relation, key: z.array(z.string().min(1)).min(1), columns: z.array(z.string().min(1)).min(1)})
        .strict(),
    )
    .min(1),
  max_replication_lag_bytes: z.number().int().positive().optional(),
  max_active_sessions: z.number().int().positive().optional(),
})

export type SplitCopySpec = z.infer<typeof splitCopySpecSchema>
