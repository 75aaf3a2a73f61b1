/**
 * The report's order: sortFindings (one string key per finding, sorted natively) must give
 * exactly compareFindings' order, for names that are prefixes of others, missing fields, and the
 * names it cannot key (a NUL) or duplicate ids, which it leaves to the comparison.
 */
import {describe, expect, it} from 'vitest'

import {compareFindings, type Finding, SEVERITIES, sortFindings} from '../src/check/model.js'

function findings(names: string[]): Finding[] {
  const out: Finding[] = []
  let n = 0
  for (const severity of SEVERITIES) {
    for (const context of [null, ...names]) {
      for (const rule of ['foreign-read', 'foreign-write', 'cross-context-join'] as const) {
        for (const table of [null, ...names]) {
          for (const consumer of [null, names[0]!, names.at(-1)!]) {
            // Ids not in the order of the rest: ties on every other field are broken by them.
            const id = `${rule}/${((n++ * 7919) % 10007).toString(16).padStart(4, '0')}`
            out.push({id, rule, severity, context, table, consumer, access: null, message: '', evidence: null, location: null})
          }
        }
      }
    }
  }
  // Reversed, so the input order is not already the answer.
  return out.reverse()
}

describe('sortFindings', () => {
  it("gives compareFindings' order", () => {
    const list = findings(['t1', 't10', 't1_a', 't1\u0001', 'T1', 'é', '\uffff', ''])
    expect(sortFindings(list).map((f) => f.id)).toEqual([...list].sort(compareFindings).map((f) => f.id))
  })

  it('leaves names holding a NUL and duplicate ids to the comparison', () => {
    const withNul = findings(['a', 'a\u0000b', 'a\u0001'])
    expect(sortFindings(withNul).map((f) => f.id)).toEqual([...withNul].sort(compareFindings).map((f) => f.id))
    const twice = findings(['x', 'y'])
    twice.push({...twice[0]!, message: 'again'})
    expect(sortFindings(twice)).toEqual([...twice].sort(compareFindings))
  })
})
