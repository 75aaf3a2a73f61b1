/** →3: ongoing sync — logical replication, or draining change capture — and parity repair (drafted by split-prepare's planner). */
import {programKind} from '../program-runner.js'
import {SPLIT_GROUP} from '../split/engines.js'
import {splitServerPreflight} from '../split/preflight.js'
import {splitSpecSchema} from '../split/spec.js'

export const splitSync = programKind('split-sync', SPLIT_GROUP, splitSpecSchema, () => import('./runner.js').then((m) => m.splitSyncRunner), splitServerPreflight)
