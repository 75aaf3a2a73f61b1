/**
 * →3: the split's first step — the target database and its schema, and on the source the
 * publication (logical replication) or change capture. Its planner drafts the whole split of a
 * context (prepare, copy, sync, cut-over, decommission: src/steps/split/generate.ts), which share
 * one spec.
 */
import {MYSQL_NOTES} from '../mysql-notes.js'
import {programKind} from '../program-runner.js'
import {SPLIT_ON_MYSQL} from '../split/engines.js'
import {splitSteps} from '../split/generate.js'
import {splitPreparePreflight} from '../split/preflight.js'
import {splitSpecSchema} from '../split/spec.js'

const NOT_IN_PLAN = 'the physical split (own database per context) is not part of this plan: add --split (or --target-level 5) once levels 2–4 hold and a split is justified'
const LEVEL_3_NEEDS_SPLIT = 'once this plan is applied, carve assess reports its contexts at level 2 at most: level 3 means a context\'s tables live in a database of their own (the physical split, --split); the foreign-key, outbox and read-model steps put the rest of the evidence of levels 3 and 4 in place, and carve assess shows it'

export const splitPrepare = programKind(
  'split-prepare',
  {
    postgres: {
      plan: (b) => {
        if (!b.splitting) b.notes.push(NOT_IN_PLAN)
        else for (const c of b.contexts) b.add(...splitSteps(c, b.input, b.last(c.name), {mode: b.settings.splitMode}))
      },
      leadNote: ({targetLevel, splitting}) => (!splitting && targetLevel >= 3 ? LEVEL_3_NEEDS_SPLIT : null),
    },
    mysql: {
      unsupported: SPLIT_ON_MYSQL,
      plan: (b) => {
        b.notes.push(b.level >= 5 ? MYSQL_NOTES.split : `${MYSQL_NOTES.split}; it is not part of this plan`)
      },
    },
  },
  splitSpecSchema,
  () => import('./runner.js').then((m) => m.splitPrepareRunner),
  splitPreparePreflight,
)
