/** →5: after the soak period the source copy is dropped — irreversible (drafted by split-prepare's planner). */
import {programKind} from '../program-runner.js'
import {SPLIT_GROUP} from '../split/engines.js'
import {splitServerPreflight} from '../split/preflight.js'
import {splitSpecSchema} from '../split/spec.js'

export const splitDecommission = programKind('split-decommission', SPLIT_GROUP, splitSpecSchema, () => import('./runner.js').then((m) => m.splitDecommissionRunner), splitServerPreflight)
