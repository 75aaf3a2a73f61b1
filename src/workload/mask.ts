/**
 * A one-pass SQL lexer that masks literals and collects comments.
 *
 * It does not analyze SQL (the real parsers do that); it gives ingestion two cheap things:
 *  - a cache key: the statement with string and number literals replaced by `?`, comments
 *    removed and white space folded, so a million executions of one statement shape are parsed
 *    and fingerprinted once, not a million times;
 *  - the comments, so sqlcommenter tags (`/*application='orders'*\/`) are read from comments only,
 *    never from inside a string literal.
 */
import {type Dialect, workloadDialect} from './dialect.js'

export type {Dialect} from './dialect.js'

export interface Masked {
  key: string
  comments: string[]
}

const isDigit = (c: number) => c >= 48 && c <= 57
const isIdent = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 95 || c === 36 || c > 127

export function maskSql(sql: string, dialect: Dialect): Masked {
  // The dialect's rules, read once into locals: this loop runs for every character of every
  // logged statement, and a property lookup per character would show in ingestion's time.
  const lex = workloadDialect(dialect).lex
  const dashNeedsSpace = lex.dashCommentNeedsSpace
  const hashComments = lex.hashComments
  const nested = lex.nestedBlockComments
  const backslash = lex.backslashEscapes
  const escapeStrings = lex.escapeStrings
  const dollarQuotes = lex.dollarQuotes
  const doubleQuotedStrings = lex.doubleQuotedStrings
  // The key is built from verbatim runs of `sql` (sql[from, to)), cut only where the text
  // changes (a literal masked, white space folded, a comment dropped): logged SQL is mostly
  // verbatim, and a key made of a few slices is cheaper to build and to hash than one appended to
  // token by token.
  let out = ''
  let from = 0
  let to = 0
  const comments: string[] = []
  let i = 0
  const n = sql.length
  // White space (or a comment) since the last token; `single` when it is one ' ' right after it.
  let space = false
  let single = false
  while (i < n) {
    const c = sql.charCodeAt(i)
    // white space
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      single = !space && c === 32 && i === to
      space = true
      i++
      continue
    }
    let end = i + 1
    let masked = false
    if ((c === 45 || c === 35) && lineCommentAt(sql, i, dashNeedsSpace, hashComments)) {
      // -- comment, # comment
      const eol = sql.indexOf('\n', i)
      comments.push(sql.slice(i + (c === 35 ? 1 : 2), eol === -1 ? n : eol))
      i = eol === -1 ? n : eol + 1
      space = true
      single = false
      continue
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      // /* block comment */
      const close = blockCommentClose(sql, i, nested)
      comments.push(sql.slice(i + 2, close))
      i = close === n ? n : close + 2
      space = true
      single = false
      continue
    } else if (c === 39) {
      // 'string'; a prefix (E'..', B'..', X'..', N'..') falls through as an identifier, then the quote
      end = skipQuoted(sql, i, 39, backslash || (escapeStrings && isEscapePrefix(sql, i)))
      masked = true
    } else if (c === 34) {
      // "identifier" (kept), or "string" (masked) where double quotes are strings
      end = skipQuoted(sql, i, 34, doubleQuotedStrings && backslash)
      masked = doubleQuotedStrings
    } else if (c === 96) {
      // `identifier` (MySQL)
      end = skipQuoted(sql, i, 96, false)
    } else if (c === 36 && dollarQuotes && !isDigit(sql.charCodeAt(i + 1))) {
      // $tag$ dollar quoting — but $1 is a parameter
      const close = dollarQuoteEnd(sql, i)
      if (close !== -1) {
        end = close
        masked = true
      }
    } else if ((isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) && !(i > 0 && isIdent(sql.charCodeAt(i - 1)))) {
      // numbers not glued to an identifier (t1, $1 stay)
      let j = i
      while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46 || ((sql.charCodeAt(j) === 101 || sql.charCodeAt(j) === 69) && j > i))) j++
      end = j
      masked = true
    }
    if (!masked && isIdent(c)) {
      // identifiers, keywords: the whole run
      let j = i + 1
      while (j < n && isIdent(sql.charCodeAt(j))) j++
      end = j
    }
    if (!masked && (i === to ? !space : space && single && to > from)) {
      // Verbatim and right after the run (or one space after it): the run grows.
      to = end
    } else {
      if (to > from) out += sql.slice(from, to)
      if (space && out.length > 0) out += ' '
      if (masked) {
        out += '?'
        from = to = end
      } else {
        from = i
        to = end
      }
    }
    space = false
    i = end
  }
  if (to > from) out += sql.slice(from, to)
  // Flatten the key here, once: it is hashed and compared as a Map key right after, and a string
  // made of pieces would be walked piece by piece at each comparison.
  if (out.length > 0) out.charCodeAt(0)
  return {key: out, comments}
}

/** Whether a line comment starts at sql[i] (a `-` or a `#`). */
function lineCommentAt(sql: string, i: number, dashNeedsSpace: boolean, hashComments: boolean): boolean {
  if (sql.charCodeAt(i) === 35) return hashComments
  if (sql.charCodeAt(i + 1) !== 45) return false
  return !dashNeedsSpace || i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 32
}

/** Index of the `*\/` that closes the block comment opened at sql[start]; sql.length when none does. */
function blockCommentClose(sql: string, start: number, nested: boolean): number {
  const n = sql.length
  let depth = 1
  let j = start + 2
  while (j < n) {
    const c = sql.charCodeAt(j)
    if (c === 42 && sql.charCodeAt(j + 1) === 47) {
      if (--depth === 0) return j
      j += 2
    } else if (nested && c === 47 && sql.charCodeAt(j + 1) === 42) {
      depth++
      j += 2
    } else j++
  }
  return n
}

/** Whether the quote at sql[quote] opens an E'…' string (the E not the end of a longer word). */
function isEscapePrefix(sql: string, quote: number): boolean {
  const e = sql.charCodeAt(quote - 1)
  return (e === 69 || e === 101) && !(quote > 1 && isIdent(sql.charCodeAt(quote - 2)))
}

/** Index just past the dollar-quoted string opened at sql[start] (`$$` or `$name$`); -1 when no tag opens there. */
function dollarQuoteEnd(sql: string, start: number): number {
  const close = sql.indexOf('$', start + 1)
  if (close === -1) return -1
  for (let k = start + 1; k < close; k++) {
    const c = sql.charCodeAt(k)
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
    if (!letter && !(k > start + 1 && isDigit(c))) return -1
  }
  const tag = close + 1 - start
  const end = sql.indexOf(sql.slice(start, close + 1), close + 1)
  return end === -1 ? sql.length : end + tag
}

/** Index just past the closing quote; a doubled quote is an escaped one. */
function skipQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  let j = start + 1
  const n = sql.length
  while (j < n) {
    const c = sql.charCodeAt(j)
    if (backslashEscapes && c === 92) {
      j += 2
      continue
    }
    if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        j += 2
        continue
      }
      return j + 1
    }
    j++
  }
  return n
}

/**
 * sqlcommenter tags from comments: `key='url-encoded value'` pairs separated by commas.
 * Returns the last comment that holds any (the library appends its comment at the end).
 */
export function sqlcommenterTags(comments: string[]): Record<string, string> | undefined {
  for (let k = comments.length - 1; k >= 0; k--) {
    const text = comments[k]!.trim()
    if (!text.includes("='")) continue
    const tags: Record<string, string> = {}
    const pair = /\s*([A-Za-z0-9_.%-]+)='((?:[^'\\]|\\.)*)'\s*(?:,|$)/gy
    let m: RegExpExecArray | null
    let consumed = 0
    while ((m = pair.exec(text)) !== null) {
      tags[safeDecode(m[1]!)] = safeDecode(m[2]!.replace(/\\'/g, "'"))
      consumed = pair.lastIndex
    }
    if (consumed > 0 && Object.keys(tags).length) return tags
  }
  return undefined
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * Split a script into statements at top-level semicolons (not inside quotes, dollar quotes or
 * comments). Each piece keeps its text; the real parser analyzes each. Quick and tolerant, for
 * reading workloads and MySQL files; it does not know a PostgreSQL `BEGIN ATOMIC … END` body, so
 * running a PostgreSQL script goes through the dialect's parser-based splitter instead
 * (db/dialect/postgres.ts, libpg-query), which falls back to this only for a script it refuses.
 */
export function splitStatements(sql: string, dialect: Dialect): {text: string; offset: number}[] {
  const lex = workloadDialect(dialect).lex
  const out: {text: string; offset: number}[] = []
  let start = 0
  let i = 0
  const n = sql.length
  const cut = (end: number) => {
    const text = sql.slice(start, end).trim()
    if (text) out.push({text, offset: start})
    start = end + 1
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 59) {
      cut(i)
      i++
    } else if ((c === 45 || c === 35) && lineCommentAt(sql, i, lex.dashCommentNeedsSpace, lex.hashComments)) {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = blockCommentClose(sql, i, lex.nestedBlockComments)
      i = close === n ? n : close + 2
    } else if (c === 39) {
      i = skipQuoted(sql, i, c, lex.backslashEscapes || (lex.escapeStrings && isEscapePrefix(sql, i)))
    } else if (c === 34 || c === 96) {
      i = skipQuoted(sql, i, c, c === 34 && lex.doubleQuotedStrings && lex.backslashEscapes)
    } else if (c === 36 && lex.dollarQuotes && !isDigit(sql.charCodeAt(i + 1))) {
      const end = dollarQuoteEnd(sql, i)
      i = end === -1 ? i + 1 : end
    } else i++
  }
  cut(n)
  return out
}
