/**
 * `CREATE TRIGGER | PROCEDURE | FUNCTION | EVENT` with a body: the grammars reject compound
 * statements, yet their bodies name the tables the routine reads and writes. The header gives
 * the trigger's table (DDL on it); the body is split into its statements, each analyzed like any
 * other (parser first, token finder after), control-flow pieces that name no table skipped. The
 * result is flagged approximate: control flow is not followed.
 */
import {CREATED_OBJECTS, type Piece, ROUTINES, type Token} from './mysql-lexer.js'
import {nameAt} from './mysql-token-tables.js'
import {emptySets, finishInfo, type StatementInfo} from './statement.js'

const BODY_START = new Set(['BEGIN', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH', 'CALL', 'SET', 'RETURN', 'IF', 'DECLARE', 'TRUNCATE'])

const topWord = (tokens: Token[], from: number, words: Set<string>) => {
  for (let i = from; i < tokens.length; i++) if (tokens[i]!.depth === 0 && tokens[i]!.kind === 'word' && words.has(tokens[i]!.upper)) return i
  return -1
}

/** The analysis of a routine definition, or undefined when `piece` is not one. */
export function routineStatement(piece: Piece, analyzeBody: (sql: string) => StatementInfo[]): StatementInfo | undefined {
  const {tokens} = piece
  if (tokens[0]?.upper !== 'CREATE') return undefined
  const r = topWord(tokens, 1, CREATED_OBJECTS)
  if (r === -1 || !ROUTINES.has(tokens[r]!.upper)) return undefined
  const sets = emptySets()
  let start = -1
  if (tokens[r]!.upper === 'TRIGGER') {
    const on = topWord(tokens, r + 1, new Set(['ON']))
    const table = on === -1 ? undefined : nameAt(tokens, on + 1)
    if (table) sets.ddl.add(table[0])
    const row = topWord(tokens, r + 1, new Set(['ROW']))
    if (row !== -1) {
      start = row + 1
      // FOLLOWS | PRECEDES other_trigger
      if (tokens[start]?.upper === 'FOLLOWS' || tokens[start]?.upper === 'PRECEDES') start = nameAt(tokens, start + 1)?.[1] ?? start + 2
    }
  } else if (tokens[r]!.upper === 'EVENT') {
    const d = topWord(tokens, r + 1, new Set(['DO']))
    if (d !== -1) start = d + 1
  } else {
    start = topWord(tokens, r + 2, BODY_START)
  }
  if (start === -1 || start >= tokens.length) return finishInfo('ddl', sets, true)
  // A BEGIN … END body: its statements, without the BEGIN that would hide the first one.
  const from = tokens[start]!.upper === 'BEGIN' && tokens[start + 1] ? start + 1 : start
  for (const info of analyzeBody(piece.text.slice(tokens[from]!.start))) {
    for (const t of info.reads) sets.reads.add(t)
    for (const t of info.writes) sets.writes.add(t)
    for (const t of info.locks) sets.locks.add(t)
    for (const t of info.ddl) sets.ddl.add(t)
    for (const [a, b] of info.joins) sets.joins.add(`${a}\u0000${b}`)
  }
  return finishInfo('ddl', sets, true)
}
