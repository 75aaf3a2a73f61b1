/**
 * Just enough of MySQL's lexical rules to find statement boundaries and keywords safely: quotes,
 * backticks, comments, executable comments (`/*!40101 … *\/`), parenthesis depth. Used to split a
 * log entry on top-level `;`, to make token edits before parsing (mysql-edits.ts) and by the
 * token-level table finder (mysql-token-tables.ts).
 */

export interface Token {
  kind: 'word' | 'ident' | 'string' | 'punct'
  text: string
  /** Upper-cased text of a word, '' otherwise. */
  upper: string
  start: number
  end: number
  /** Parenthesis depth outside this token. */
  depth: number
}

export interface Piece {
  /** Offset of the piece in the original text. */
  offset: number
  text: string
  tokens: Token[]
  /** Length-preserving blanks for executable comment markers (`/*!40101`, `*\/`). */
  execMarks: [number, number][]
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11

export const ROUTINES = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT'])
/** The words that say what a CREATE creates: the first one decides (`CREATE TABLE event` is a table). */
export const CREATED_OBJECTS = new Set([...ROUTINES, 'TABLE', 'VIEW', 'INDEX', 'DATABASE', 'SCHEMA', 'USER', 'ROLE', 'SERVER', 'TABLESPACE', 'SEQUENCE', 'LOGFILE'])

/**
 * `CREATE TRIGGER|PROCEDURE|FUNCTION|EVENT … BEGIN … END` is one statement whose body holds `;`
 * (clients send it whole; DELIMITER exists for that). Counts BEGIN and CASE against END so the
 * body's `;` do not split it: `END IF` / `END LOOP` / `END WHILE` / `END REPEAT` / `END FOR` close
 * constructs that are not counted, bare `END` or `END CASE` close one counted.
 */
class CompoundTracker {
  open = 0
  private routine = false
  private decided = false
  private lastEnd = false

  word(tokens: Token[], upper: string): void {
    if (tokens.length === 1) {
      this.routine = false
      this.decided = tokens[0]!.upper !== 'CREATE'
      this.lastEnd = false
      return
    }
    if (!this.decided) {
      if (CREATED_OBJECTS.has(upper) && tokens.at(-1)!.depth === 0) {
        this.decided = true
        this.routine = ROUTINES.has(upper)
      }
      return
    }
    if (!this.routine) return
    if (this.lastEnd) {
      this.lastEnd = false
      // END IF / END LOOP …: the END was not one of ours after all; END CASE was.
      if (upper === 'IF' || upper === 'LOOP' || upper === 'WHILE' || upper === 'REPEAT' || upper === 'FOR') {
        this.open++
        return
      }
      if (upper === 'CASE') return
    }
    if (upper === 'BEGIN' || upper === 'CASE') this.open++
    else if (upper === 'END' && this.open > 0) {
      this.open--
      this.lastEnd = true
    }
  }
}

/**
 * Split on top-level semicolons (outside quotes, comments and parentheses); drop empty pieces.
 * The mysql client's `DELIMITER x` lines (in .sql files and dumps) change the separator.
 */
export function splitStatements(sql: string): Piece[] {
  const pieces: Piece[] = []
  let tokens: Token[] = []
  let marks: [number, number][] = []
  let pieceStart = 0
  let depth = 0
  let execOpen = 0
  const compound = new CompoundTracker()
  let delimiter = ';'
  const n = sql.length
  let i = 0
  const finish = (end: number) => {
    if (tokens.length) {
      // Start at the first token (the grammars trim leading blanks, which would shift error offsets).
      pieceStart = Math.min(tokens[0]!.start, marks[0]?.[0] ?? Infinity)
      const text = sql.slice(pieceStart, end)
      const shift = (t: Token): Token => ({...t, start: t.start - pieceStart, end: t.end - pieceStart})
      pieces.push({
        offset: pieceStart,
        text,
        tokens: tokens.map(shift),
        execMarks: marks.map(([a, b]) => [a - pieceStart, b - pieceStart] as [number, number]),
      })
    }
    tokens = []
    marks = []
    depth = 0
    compound.open = 0
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (isSpace(c)) {
      i++
      continue
    }
    if (delimiter !== ';' && depth === 0 && sql.startsWith(delimiter, i)) {
      finish(i)
      i += delimiter.length
      continue
    }
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1
    // # comment, -- comment (dash dash + whitespace/control/end)
    if (c === 35 || (c === 45 && next === 45 && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32))) {
      const nl = sql.indexOf('\n', i)
      i = nl === -1 ? n : nl + 1
      continue
    }
    if (c === 47 && next === 42) {
      if (i + 2 < n && sql.charCodeAt(i + 2) === 33) {
        // Executable comment: its content is SQL for MySQL (and for MariaDB, /*M! too).
        let j = i + 3
        while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++
        marks.push([i, j])
        execOpen++
        i = j
        continue
      }
      if (i + 2 < n && sql.charCodeAt(i + 2) === 77 && i + 3 < n && sql.charCodeAt(i + 3) === 33) {
        let j = i + 4
        while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++
        marks.push([i, j])
        execOpen++
        i = j
        continue
      }
      const close = sql.indexOf('*/', i + 2)
      i = close === -1 ? n : close + 2
      continue
    }
    if (c === 42 && next === 47 && execOpen > 0) {
      marks.push([i, i + 2])
      execOpen--
      i += 2
      continue
    }
    if (c === 39 || c === 34 || c === 96) {
      // 'string', "string", `identifier`: doubled quote escapes; backslash escapes in strings.
      let j = i + 1
      while (j < n) {
        const d = sql.charCodeAt(j)
        if (d === 92 && c !== 96) {
          j += 2
          continue
        }
        if (d === c) {
          if (j + 1 < n && sql.charCodeAt(j + 1) === c) {
            j += 2
            continue
          }
          break
        }
        j++
      }
      const end = Math.min(j + 1, n)
      tokens.push({kind: c === 96 ? 'ident' : 'string', text: sql.slice(i, end), upper: '', start: i, end, depth})
      i = end
      continue
    }
    if (isWordChar(c)) {
      let j = i + 1
      while (j < n && isWordChar(sql.charCodeAt(j))) j++
      const text = sql.slice(i, j)
      const upper = text.toUpperCase()
      if (upper === 'DELIMITER' && tokens.length === 0) {
        // A client command, not SQL: the rest of its line is the new separator.
        const nl = sql.indexOf('\n', j)
        const end = nl === -1 ? n : nl
        const chosen = sql.slice(j, end).trim()
        if (chosen) {
          delimiter = chosen
          i = end
          continue
        }
      }
      tokens.push({kind: 'word', text, upper, start: i, end: j, depth})
      compound.word(tokens, upper)
      i = j
      continue
    }
    if (c === 59 && depth === 0 && compound.open === 0 && delimiter === ';') {
      finish(i)
      pieceStart = i + 1
      i++
      continue
    }
    if (c === 40) {
      tokens.push({kind: 'punct', text: '(', upper: '', start: i, end: i + 1, depth})
      depth++
      i++
      continue
    }
    if (c === 41) {
      depth = Math.max(0, depth - 1)
      tokens.push({kind: 'punct', text: ')', upper: '', start: i, end: i + 1, depth})
      i++
      continue
    }
    tokens.push({kind: 'punct', text: sql[i]!, upper: '', start: i, end: i + 1, depth})
    i++
  }
  finish(n)
  return pieces
}

export function unquote(t: Token): string {
  if (t.kind === 'ident') return t.text.slice(1, -1).split('``').join('`')
  return t.text
}
