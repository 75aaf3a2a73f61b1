/**
 * The discover session's "pin contexts and re-cluster": the person picks the contexts to pin,
 * discovery runs again around the pins (and the current contexts, so names and pinned contexts'
 * tables continue), and what would move is shown before it is kept.
 */
import ansis from 'ansis'

import {type EditEnv, pinContext, pinsOf, type ReclusterDecisions, recluster as reclusterProposal, unpinContext} from '../boundaries/edit.js'
import type {Proposal, ProposedContext} from '../boundaries/model.js'
import {table as textTable} from '../render/text.js'
import {type SessionPrompts, show} from './session-prompts.js'
import {contextNameChanges, deltaText, plural, tableMoves} from './session-text.js'

/** What re-clustering reads and changes of the session. */
export interface ReclusterCore {
  readonly proposal: Proposal
  readonly env: EditEnv
  readonly ask: SessionPrompts
  readonly write: (text: string) => void
  readonly runRecluster: (decisions: ReclusterDecisions) => Proposal
  pinnedIn(c: ProposedContext): string[]
  /** Make `next` the current proposal, undoable as `label`. */
  apply(label: string, next: Proposal, message?: string): void
}

export async function pinAndRecluster(s: ReclusterCore): Promise<void> {
  const p = s.proposal
  const chosen = await s.ask.checkbox({
    message: 'Pin which contexts? (space toggles, ⏎ re-clusters) Pinned tables stay put; the rest is clustered again.',
    pageSize: 14,
    choices: p.contexts.map((c) => {
      const n = s.pinnedIn(c).length
      return {
        value: c.name,
        name: `${show(c.name)}${ansis.dim(`  ${c.tables.length} tables${n && n < c.tables.length ? `, ${n} pinned already (they stay pinned)` : ''}`)}`,
        short: show(c.name),
        checked: n === c.tables.length,
      }
    }),
  })
  let pinned = p
  for (const c of p.contexts) {
    const all = s.pinnedIn(c).length === c.tables.length
    if (chosen.includes(c.name) && !all) pinned = pinContext(s.env, pinned, c.name)
    else if (!chosen.includes(c.name) && all) pinned = unpinContext(s.env, pinned, c.name)
  }
  const label = chosen.length ? `pin ${chosen.join(', ')} and re-cluster` : 're-cluster'
  const pinCount = pinsOf(pinned).size
  s.write(ansis.dim(`Re-clustering ${s.env.catalog.tables.length} tables around ${plural(pinCount, 'pinned table')}…`))
  let next: Proposal
  try {
    next = reclusterProposal(s.env, pinned, s.runRecluster)
  } catch (error) {
    s.write(ansis.red(`Re-clustering failed: ${show((error as Error).message)}`))
    if (pinned !== p) s.apply('pin contexts', pinned)
    return
  }
  const moves = tableMoves(pinned, next)
  const names = contextNameChanges(pinned, next)
  if (!moves.length && !names.length) {
    s.write(ansis.green('Re-clustered: no table moved.'))
    s.apply(label, next)
    return
  }
  const lines = [ansis.bold(`Re-clustering would move ${moves.length} table${moves.length === 1 ? '' : 's'}:`)]
  if (moves.length) lines.push(textTable(['table', 'from', 'to'], moves.map((m) => [m.table, m.from, m.to])))
  if (names.length) lines.push(`  contexts: ${show(names.join('; '))}`)
  lines.push(deltaText(pinned, next))
  s.write(lines.join('\n'))
  if (await s.ask.confirm({message: 'Keep the re-clustered contexts?', default: true})) {
    s.apply(label, next, ansis.green('Re-clustered.'))
  } else {
    if (pinned !== p) s.apply('pin contexts', pinned)
    s.write('Kept the contexts as they were' + (pinned !== p ? ' (with the new pins).' : '.'))
  }
}
