/**
 * Findings about the exceptions of carve.yml: expired (error), expiring within --warn-days
 * (warning), no longer used by anything in the evidence (info: remove it).
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {Draft} from './model.js'
import {daysUntil, isExpired, type Ownership} from './ownership.js'

export interface ExceptionOptions {
  today: string
  warnDays: number
  /** Indexes of exceptions the evidence used; null when there was no evidence to judge by. */
  used: Set<number> | null
}

export function exceptionFindings(boundaries: BoundariesFile, own: Ownership, options: ExceptionOptions): Draft[] {
  const drafts: Draft[] = []
  boundaries.exceptions.forEach((e, index) => {
    const table = own.keyOf(e.table)
    const base = {context: own.contextOf(table), table, consumer: e.consumer, access: e.access, evidence: null, anchor: {kind: 'exception', index} as const}
    const what = `exception for ${e.consumer} to ${e.access} ${table} (approved by ${e.approved_by})`
    const days = daysUntil(e.expires, options.today)
    if (isExpired(e.expires, options.today)) {
      drafts.push({...base, rule: 'exception-expired', severity: 'error', subject: e.expires, message: `${what} expired on ${e.expires}, ${-days} day${days === -1 ? '' : 's'} ago; exit plan: ${e.exit_plan}`})
    } else if (days <= options.warnDays) {
      drafts.push({...base, rule: 'exception-expiring', severity: 'warning', subject: e.expires, message: `${what} expires on ${e.expires}, in ${days} day${days === 1 ? '' : 's'}; exit plan: ${e.exit_plan}`})
    }
    if (options.used && !options.used.has(index)) {
      drafts.push({...base, rule: 'exception-unused', severity: 'info', message: `${what} is not used by anything in the evidence: remove it`})
    }
  })
  return drafts
}
