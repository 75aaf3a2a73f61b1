/** →3: keyset-batched copy of the existing rows into the target database (drafted by split-prepare's planner). */
import {programKind} from '../program-runner.js'
import {SPLIT_GROUP} from '../split/engines.js'
import {splitServerPreflight} from '../split/preflight.js'
import {splitCopySpecSchema} from './settings.js'

export const splitCopy = programKind('split-copy', SPLIT_GROUP, splitCopySpecSchema, () => import('./runner.js').then((m) => m.splitCopyRunner), splitServerPreflight)
