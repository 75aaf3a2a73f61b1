/**
 * Markdown for plan pages: escaping every name that comes from a database or a boundaries file
 * (one line, HTML entities, Markdown punctuation escaped), inline code and fenced blocks that
 * their content cannot close, and GFM tables. Pure.
 */
import {cmp} from './context.js'

/**
 * Text for Markdown prose and table cells: one line (newlines would end a table row or start a
 * block), HTML special characters as entities (`<script>` stays text), every Markdown
 * punctuation that can start emphasis, code, links, tables, strikethrough or math escaped with a
 * backslash, and block markers escaped where they would start a block.
 */
export function markdownText(text: string): string {
  let out = text
    .replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd')
    .replace(/\t/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#$!{}]/g, (c) => `\\${c}`)
  // At the start of a cell or list item these would open a list, heading rule or numbered list.
  out = out.replace(/^(\s*)([-+=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2')
  return out
}

/**
 * Inline code: backticks inside are fenced by a longer run, newlines become spaces. In a GFM table
 * cell `|` must be written `\|` even inside code (the table splits cells first); outside tables
 * that backslash would show, so it is escaped only for cells.
 */
export function inlineCode(text: string, inTable = false): string {
  const clean = text.replace(/[\r\n\u2028\u2029]+/g, ' ')
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${inTable ? clean.replace(/\|/g, '\\|') : clean}${pad}${fence}`
}

/** A fenced block that no backtick run inside the content can close early. */
export function fenced(content: string, lang = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${content.replace(/\n+$/, '')}\n${fence}`
}

/** A GFM table; empty cells hold a space so the row keeps its shape. */
export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n')
}

/** Distinct names, sorted and escaped, comma-separated. */
export function namesList(names: string[]): string {
  return [...new Set(names)].sort(cmp).map(markdownText).join(', ')
}
