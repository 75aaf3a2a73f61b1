/**
 * Findings from the maturity assessment (src/plan/assess.ts): roles other than the owner's that
 * can write a context's tables once they live in the context's own schema (the level went
 * down), and contexts below --min-level.
 */
import type {Assessment} from '../assess/assess.js'
import type {Draft} from './model.js'

interface Offender {
  relation: string
  grantee: string
  privileges: string[]
  via: string
}

export function maturityFindings(assessment: Assessment, options: {minLevel?: number}): Draft[] {
  const drafts: Draft[] = []
  for (const c of assessment.contexts) {
    const schema = c.checks.find((k) => k.id === 'schema')
    const grants = c.checks.find((k) => k.id === 'write-grants')
    // Before the move every role writes the shared tables: that is level 0, not a regression.
    if (schema?.ok && grants && !grants.ok && Array.isArray(grants.facts.offenders)) {
      for (const o of grants.facts.offenders as Offender[]) {
        drafts.push({
          rule: 'foreign-write-grant',
          severity: 'error',
          context: c.name,
          table: o.relation,
          consumer: o.grantee,
          access: 'grant',
          subject: o.privileges.join('/'),
          message: `role ${o.grantee} can ${o.privileges.join('/')} ${o.relation} of context ${c.name}${o.via === 'schema' ? ' (through a schema-wide grant)' : ''}: only ${c.role} should write it`,
          evidence: null,
          anchor: {kind: 'context', name: c.name},
        })
      }
    }
    if (options.minLevel !== undefined && c.level < options.minLevel) {
      drafts.push({
        rule: 'below-min-level',
        severity: 'error',
        context: c.name,
        table: null,
        consumer: null,
        access: null,
        subject: String(options.minLevel),
        message: `context ${c.name} is at level ${c.level}, below ${options.minLevel}${c.next ? `; next: ${c.next}` : ''}`,
        evidence: null,
        anchor: {kind: 'context', name: c.name},
      })
    }
  }
  return drafts
}
