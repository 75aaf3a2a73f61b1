/** →3: bounded write pause, final catch-up, exact parity, switch, reverse sync (drafted by split-prepare's planner). */
import {programKind} from '../program-runner.js'
import {SPLIT_GROUP} from '../split/engines.js'
import {splitServerPreflight} from '../split/preflight.js'
import {splitSpecSchema} from '../split/spec.js'

export const splitCutover = programKind('split-cutover', SPLIT_GROUP, splitSpecSchema, () => import('./runner.js').then((m) => m.splitCutoverRunner), splitServerPreflight)
