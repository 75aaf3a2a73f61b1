/**
 * Token edits that help node-sql-parser's grammars without changing which tables a statement
 * touches (see analyze-mysql.ts for when each set is applied).
 */
import {type Piece, type Token, unquote} from './mysql-lexer.js'

export interface Edit {
  start: number
  end: number
  text: string
}

export function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const e of sorted) {
    if (e.start < at) continue // overlapping: keep the first
    out += text.slice(at, e.start) + e.text
    at = e.end
  }
  return out + text.slice(at)
}

export const blank = (start: number, end: number): Edit => ({start, end, text: ' '.repeat(end - start)})

export const DML = new Set(['SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'])
const MODIFIERS: Record<string, Set<string>> = {
  UPDATE: new Set(['LOW_PRIORITY', 'IGNORE']),
  DELETE: new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']),
  INSERT: new Set(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE']),
  REPLACE: new Set(['LOW_PRIORITY', 'DELAYED']),
}

/** Index of the main DML keyword at depth 0 (after any WITH clause), or -1. */
export function mainKeyword(tokens: Token[]): number {
  const first = tokens[0]
  if (first?.kind !== 'word') return -1
  if (DML.has(first.upper)) return 0
  if (first.upper !== 'WITH') return -1
  return tokens.findIndex((t) => t.depth === 0 && t.kind === 'word' && DML.has(t.upper))
}

/** Step 1 edits: open executable comments, blank statement modifiers. Length-preserving. */
export function basicEdits(piece: Piece): Edit[] {
  const edits: Edit[] = piece.execMarks.map(([a, b]) => blank(a, b))
  const {tokens} = piece
  const k = mainKeyword(tokens)
  if (k >= 0) {
    const mods = MODIFIERS[tokens[k]!.upper]
    for (let i = k + 1; mods && i < tokens.length; i++) {
      const t = tokens[i]!
      if (t.kind !== 'word' || !mods.has(t.upper)) break
      edits.push(blank(t.start, t.end))
    }
  }
  edits.push(...introducerEdits(tokens), ...explainEdits(tokens))
  return edits
}

// Character sets MySQL and MariaDB accept as string introducers (`_utf8mb4'x'`, `_binary 0x1F`).
const CHARSETS = new Set([
  'armscii8', 'ascii', 'big5', 'binary', 'cp1250', 'cp1251', 'cp1256', 'cp1257', 'cp850', 'cp852', 'cp866', 'cp932',
  'dec8', 'eucjpms', 'euckr', 'gb18030', 'gb2312', 'gbk', 'geostd8', 'greek', 'hebrew', 'hp8', 'keybcs2', 'koi8r',
  'koi8u', 'latin1', 'latin2', 'latin5', 'latin7', 'macce', 'macroman', 'sjis', 'swe7', 'tis620', 'ucs2', 'ujis',
  'utf16', 'utf16le', 'utf32', 'utf8', 'utf8mb3', 'utf8mb4',
])

/**
 * Character-set introducers before a literal: the grammars reject `_utf8'x'` (no space), and the
 * introducer never names a table, so it is blanked. Only before a literal: `_utf8` alone could be
 * a column.
 */
function introducerEdits(tokens: Token[]): Edit[] {
  const edits: Edit[] = []
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || t.text[0] !== '_' || !CHARSETS.has(t.text.slice(1).toLowerCase())) return
    const next = tokens[i + 1]
    const literal = next?.kind === 'string' || (next?.kind === 'word' && (/^[0-9]/.test(next.text) || ((next.upper === 'X' || next.upper === 'B') && tokens[i + 2]?.kind === 'string' && tokens[i + 2]!.start === next.end)))
    if (literal) edits.push(blank(t.start, t.end))
  })
  return edits
}

const EXPLAIN_WORDS = new Set(['EXPLAIN', 'DESCRIBE', 'DESC'])

/**
 * `EXPLAIN [ANALYZE] [EXTENDED|PARTITIONS] [FORMAT = x] stmt` → `stmt`: the grammars explain only
 * SELECTs, and the explained statement names the same tables (EXPLAIN ANALYZE even runs it).
 */
function explainEdits(tokens: Token[]): Edit[] {
  // MariaDB's `ANALYZE stmt` runs the statement and reports its plan: analyze the statement.
  if (tokens[0]?.upper === 'ANALYZE' && (DML.has(tokens[1]?.upper ?? '') || tokens[1]?.upper === 'WITH')) return [blank(tokens[0].start, tokens[0].end)]
  if (!EXPLAIN_WORDS.has(tokens[0]?.upper ?? '')) return []
  const edits: Edit[] = [blank(tokens[0]!.start, tokens[0]!.end)]
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.upper === 'ANALYZE' || t.upper === 'EXTENDED' || t.upper === 'PARTITIONS') edits.push(blank(t.start, t.end))
    else if (t.upper === 'FORMAT' && tokens[i + 1]?.text === '=' && tokens[i + 2]) {
      edits.push(blank(t.start, tokens[i + 2]!.end))
      i += 2
    } else return DML.has(t.upper) || t.upper === 'WITH' || t.upper === 'TABLE' ? edits : []
  }
  return []
}

/** Index of the token closing the parenthesis opened at `open`, or the last index. */
export function closing(tokens: Token[], open: number): number {
  const depth = tokens[open]!.depth
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.text === ')' && t.kind === 'punct' && t.depth === depth) return i
  }
  return tokens.length - 1
}

export interface Rewritten {
  edits: Edit[]
  /** Tables named in MySQL 8 `FOR UPDATE OF …` / `FOR SHARE OF …`; null when a clause has no OF. */
  lockOf?: string[] | null
}

/** Step 3 edits: index hints, PARTITION selections, DELETE t.*, FOR SHARE / OF, NATURAL JOIN. */
export function deeperEdits(piece: Piece): Rewritten {
  const {tokens} = piece
  const edits: Edit[] = []
  const k = mainKeyword(tokens)
  const main = k >= 0 ? tokens[k]!.upper : ''
  let lockOf: string[] | null | undefined
  let lockClauses = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const next = tokens[i + 1]
    if (t.kind !== 'word') {
      // DELETE t.* FROM …: the targets before FROM.
      if (main === 'DELETE' && t.text === '.' && next?.text === '*' && i > k && tokens.slice(k, i).every((x) => x.upper !== 'FROM' || x.depth > 0)) {
        edits.push(blank(t.start, next.end))
        i++
      }
      continue
    }
    // USE|FORCE|IGNORE INDEX|KEY [FOR JOIN|ORDER BY|GROUP BY] (…)
    if ((t.upper === 'USE' || t.upper === 'FORCE' || t.upper === 'IGNORE') && (next?.upper === 'INDEX' || next?.upper === 'KEY') && i > 0) {
      let j = i + 2
      if (tokens[j]?.upper === 'FOR') {
        j++
        if (tokens[j]?.upper === 'ORDER' || tokens[j]?.upper === 'GROUP') j++
        j++
      }
      if (tokens[j]?.text === '(') {
        const close = closing(tokens, j)
        edits.push(blank(t.start, tokens[close]!.end))
        i = close
      }
      continue
    }
    // t PARTITION (p0, p1) in DML
    if (t.upper === 'PARTITION' && next?.text === '(' && DML.has(main) && i > 0) {
      const prev = tokens[i - 1]!
      if (prev.kind === 'ident' || (prev.kind === 'word' && prev.upper !== 'BY')) {
        const close = closing(tokens, i + 1)
        edits.push(blank(t.start, tokens[close]!.end))
        i = close
      }
      continue
    }
    if (t.upper === 'NATURAL' && (next?.upper === 'JOIN' || next?.upper === 'LEFT' || next?.upper === 'RIGHT' || next?.upper === 'INNER')) {
      edits.push(blank(t.start, t.end))
      continue
    }
    // Top-level locking clauses: FOR UPDATE | FOR SHARE [OF a, b] [NOWAIT | SKIP LOCKED]
    if (t.upper === 'FOR' && t.depth === 0 && (next?.upper === 'UPDATE' || next?.upper === 'SHARE') && main === 'SELECT') {
      lockClauses++
      let j = i + 2
      const names: string[] = []
      if (tokens[j]?.upper === 'OF') {
        j++
        for (;;) {
          const parts: string[] = []
          while (tokens[j] && (tokens[j]!.kind === 'word' || tokens[j]!.kind === 'ident')) {
            parts.push(unquote(tokens[j]!))
            if (tokens[j + 1]?.text === '.') j += 2
            else {
              j++
              break
            }
          }
          if (parts.length) names.push(parts.join('.'))
          if (tokens[j]?.text === ',') j++
          else break
        }
      }
      let end = j
      if (tokens[end]?.upper === 'NOWAIT') end++
      else if (tokens[end]?.upper === 'SKIP' && tokens[end + 1]?.upper === 'LOCKED') end += 2
      const last = tokens[end - 1]!
      if (names.length === 0) lockOf = null
      else if (lockOf !== null) lockOf = [...(lockOf ?? []), ...names]
      edits.push({start: t.start, end: last.end, text: lockClauses === 1 ? 'FOR UPDATE' : ''})
      i = end - 1
    }
  }
  return lockOf === undefined ? {edits} : {edits, lockOf}
}

/**
 * `EXPLAIN [FORMAT=…] stmt` without ANALYZE only plans its statement: it names the statement's
 * tables but changes none (MySQL's EXPLAIN ANALYZE, like MariaDB's ANALYZE stmt, runs it).
 */
export function plansOnly(tokens: Token[]): boolean {
  if (!EXPLAIN_WORDS.has(tokens[0]?.upper ?? '')) return false
  for (const t of tokens.slice(1)) {
    if (t.upper === 'ANALYZE') return false
    if (DML.has(t.upper) || t.upper === 'WITH' || t.upper === 'TABLE') return true
  }
  return false
}
