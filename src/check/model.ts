/**
 * What `carve check` reports: findings, each with a rule, a severity, where it is (context,
 * table, consumer, kind of access), the evidence, and a stable identity so a baseline can tell
 * today's findings from yesterday's.
 *
 * The identity hashes only what names the problem (rule + context + table + consumer + access +
 * a rule-specific subject), never counts, dates or wording, so the same violation keeps its id
 * when traffic grows or a message is reworded.
 */
import * as crypto from 'node:crypto'

export const SEVERITIES = ['error', 'warning', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export const severityRank = (s: Severity): number => (s === 'error' ? 2 : s === 'warning' ? 1 : 0)

export type RuleId =
  | 'foreign-write'
  | 'foreign-read'
  | 'cross-context-join'
  | 'cross-context-transaction'
  | 'exception-expired'
  | 'exception-expiring'
  | 'exception-unused'
  | 'unowned-table'
  | 'missing-table'
  | 'cross-context-fk'
  | 'foreign-write-grant'
  | 'below-min-level'
  | 'plan-drift'

/** One line per rule: what it means, for --help, SARIF rule descriptions and JUnit names. */
export const RULES: Record<RuleId, {title: string; help: string}> = {
  'foreign-write': {title: 'Write to another context\'s table', help: 'A service writes a table another context owns, with no approved, unexpired write exception in carve.yml. Move the write behind the owner\'s API or record an exception with an exit plan.'},
  'foreign-read': {title: 'Read of another context\'s table', help: 'A service reads a table another context owns directly, not through a read model or API, with no approved read exception.'},
  'cross-context-join': {title: 'Join across contexts', help: 'One statement joins tables of different contexts: it breaks when the contexts are split into their own databases.'},
  'cross-context-transaction': {title: 'Write transaction across contexts', help: 'One transaction writes tables of different contexts: after a split it becomes a distributed transaction (use an outbox or a saga).'},
  'exception-expired': {title: 'Exception expired', help: 'An exception in carve.yml is past its expiry date: finish its exit plan, or renew it with a new approval.'},
  'exception-expiring': {title: 'Exception expiring soon', help: 'An exception in carve.yml expires within --warn-days.'},
  'exception-unused': {title: 'Exception no longer used', help: 'No access in the evidence uses this exception any more: remove it from carve.yml.'},
  'unowned-table': {title: 'Table no context owns', help: 'A table in the database is in no context of carve.yml: give it an owner (carve discover proposes one).'},
  'missing-table': {title: 'Context table no longer exists', help: 'carve.yml names a table the database does not have: remove it or fix its name.'},
  'cross-context-fk': {title: 'Foreign key across contexts', help: 'A foreign key ties tables of different contexts: it blocks the split (carve plan replaces it with a loose reference).'},
  'foreign-write-grant': {title: 'Foreign role can write', help: 'A role other than the owner\'s holds write privileges on a context\'s table after it moved into its own schema: the maturity level went down.'},
  'below-min-level': {title: 'Context below the minimum level', help: 'A context is below --min-level (see carve assess for what it needs next).'},
  'plan-drift': {title: 'Plan drift', help: 'The committed plan differs from what carve plan would write now (carve plan --check).'},
}

export type AccessKind = 'read' | 'write' | 'join' | 'transaction' | 'foreign-key' | 'grant' | null

export interface Evidence {
  /** The statement shape with most calls behind the finding. */
  fingerprint: string
  /** Its text with every literal masked. */
  sample: string
  /** Executions behind the finding (all its statements), and how many distinct statements. */
  count: number
  statements: number
  /** From timestamped logs only (null for live statistics, SQL folders, saved workloads). */
  firstSeen: string | null
  lastSeen: string | null
  /** The log line of the first execution seen, when it came from a log file. */
  source: {file: string; line: number} | null
}

export interface Finding {
  id: string
  rule: RuleId
  severity: Severity
  context: string | null
  table: string | null
  consumer: string | null
  access: AccessKind
  message: string
  evidence: Evidence | null
  /** Where in carve.yml (or the plan) a person fixes it. */
  location: {file: string; line: number} | null
  /** Set by a baseline: true when the baseline already had it. */
  known?: boolean
}

/** A finding before its identity and location are filled in. */
export type Draft = Omit<Finding, 'id' | 'location'> & {
  /** What, beyond context/table/consumer/access, names this finding (an FK name, a grantee …). */
  subject?: string
  /** What to point at in carve.yml: a table, an exception (its index), or a context. */
  anchor?: {kind: 'table'; table: string} | {kind: 'exception'; index: number} | {kind: 'context'; name: string} | {kind: 'file'; file: string}
}

export function findingId(d: Pick<Draft, 'rule' | 'context' | 'table' | 'consumer' | 'access' | 'subject'>): string {
  const parts = [d.rule, d.context ?? '', d.table ?? '', d.consumer ?? '', d.access ?? '', d.subject ?? '']
  return `${d.rule}/${sha256Hex(parts.join('\u0000')).slice(0, 16)}`
}

// crypto.hash (Node 20.12+) hashes in one call, without a Hash object per finding (tens of
// thousands when every access is a violation); older Node 20 releases only have createHash.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex')

/** Worst first, then by context, table, consumer: the order every writer prints. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.context ?? '\uffff', b.context ?? '\uffff') ||
    cmp(a.rule, b.rule) ||
    cmp(a.table ?? '', b.table ?? '') ||
    cmp(a.consumer ?? '', b.consumer ?? '') ||
    cmp(a.id, b.id)
  )
}

/**
 * The findings in compareFindings' order, each sorted by one string: the compared fields joined
 * by NUL, behind a character for the severity. Tens of thousands of findings (every access a
 * violation) then sort as strings, natively, instead of through the comparison field by field.
 * A name holding a NUL, or two findings with one id, would break the equivalence: the comparison
 * sorts those.
 */
export function sortFindings(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>()
  for (const f of findings) {
    const fields = [f.context ?? '\uffff', f.rule, f.table ?? '', f.consumer ?? '', f.id]
    if (fields.some((x) => x.includes('\u0000'))) return [...findings].sort(compareFindings)
    byKey.set(String.fromCharCode(50 - severityRank(f.severity)) + fields.join('\u0000'), f)
  }
  if (byKey.size !== findings.length) return [...findings].sort(compareFindings)
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!)
}

function cmp(a: string, b: string): number {
  // Equal first: most pairs share context and rule, often the very same string.
  return a === b ? 0 : a < b ? -1 : 1
}

/** Everything a writer needs: the findings and what was checked. */
export interface CheckReport {
  format: 'carve.check/v1'
  boundaries: string
  today: string
  /** What evidence was read: log files, live sources, a workload file; null when none. */
  evidence: {sources: string[]; window: {from: string | null; to: string | null}; calls: number} | null
  catalog: string | null
  /** Rule families that could not run, and why (no catalog, no database …). */
  skipped: {rules: RuleId[]; reason: string}[]
  failOn: Severity | 'none'
  findings: Finding[]
  summary: {error: number; warning: number; info: number; known: number; failing: number}
}
