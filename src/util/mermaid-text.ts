/**
 * Text that is safe inside Mermaid diagrams, shared by every writer of Mermaid (the plan's
 * diagrams, the proposal's context map and ER diagrams): a leaf, so a stage left of render can
 * draw without importing render. Why each rule: see render/mermaid.ts's module comment.
 */
import {plural} from './plural.js'

/** Words Mermaid's flowchart and ER lexers treat specially. Never ids here (ids are `c0`, `t0`, `x0`): for checks. */
export const MERMAID_KEYWORDS: ReadonlySet<string> = new Set([
  'end', 'graph', 'flowchart', 'flowchart-elk', 'subgraph', 'style', 'linkstyle', 'classdef', 'class', 'click', 'call',
  'href', 'default', 'direction', 'interpolate', 'acctitle', 'accdescr', 'erdiagram', 'one', 'many', 'only', 'zero',
  'more', 'to', 'optionally', 'u', 'o', 'x', 'tb', 'bt', 'rl', 'lr', 'td', 'br', 'pk', 'fk', 'uk', 'title',
])

// Attribute names and types the ER lexer takes for key markers whatever the case (checked against
// Mermaid 11.0 and 11.17: `end`, `one`, `to`, `title` … are fine there).
const ER_RESERVED: ReadonlySet<string> = new Set(['pk', 'fk', 'uk'])

// ASCII characters that are inert inside a quoted Mermaid label in both diagram types.
const SAFE_ASCII = /^[A-Za-z0-9 _\-.,/()+*'!?=@$^[\]{}]$/

/**
 * Text for inside a quoted Mermaid label (`["…"]`, `|"…"|`, ER comments and aliases). Control
 * characters become visible `\xNN` (an entity for them would make the SVG invalid XML); other
 * unsafe characters become `#code;` entities; lone surrogates and non-characters become U+FFFD.
 */
export function mermaidText(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += `#92;x${cp.toString(16).padStart(2, '0')}`
    else if (SAFE_ASCII.test(ch)) out += ch
    else if (cp < 0x80) out += `#${cp};`
    else if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) out += '\ufffd'
    // ﬂ and ¶ are Mermaid's own placeholders for entities while it parses; U+2028/9 break lines.
    else if (cp === 0xfb02 || cp === 0xb6 || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) out += `#${cp};`
    else out += ch
  }
  return out
}

/** `3 tables`, `1.2k tables`: a count in a diagram label. */
export function compactPlural(n: number, one: string, many?: string): string {
  return plural(n, one, many, compactNumber)
}

/** `1234` → `1.2k`: short weights for arrow labels. */
export function compactNumber(n: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']]
  for (let i = 0; i < units.length; i++) {
    const [size, suffix] = units[i]!
    if (Math.abs(n) < size) continue
    const v = n / size
    const text = Math.abs(v) >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '')
    if (Math.abs(Number(text)) >= 1000 && i > 0) return `${(n / units[i - 1]![0]).toFixed(1).replace(/\.0$/, '')}${units[i - 1]![1]}`
    return `${text}${suffix}`
  }
  return String(Math.round(n * 100) / 100)
}

/** A single-word type for an ER attribute: `character varying(255)` → `varchar`, `integer[]` → `integer_array`. */
export function erType(type: string): string {
  let t = type.trim().toLowerCase()
  const array = /\[\s*\]$/.test(t)
  t = t.replace(/(\[\s*\])+$/, '').replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim()
  // A schema-qualified user type keeps its last part.
  t = t.slice(t.lastIndexOf('.') + 1).replace(/"/g, '').trim()
  const known: Record<string, string> = {
    'character varying': 'varchar', 'varying character': 'varchar', 'character': 'char', 'national character varying': 'nvarchar',
    'timestamp with time zone': 'timestamptz', 'timestamp without time zone': 'timestamp', 'time with time zone': 'timetz',
    'time without time zone': 'time', 'double precision': 'double', 'bit varying': 'varbit',
  }
  t = known[t] ?? t
  t = t.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')
  if (!t) t = 'unknown'
  if (!/^[A-Za-z]/.test(t)) t = `t_${t}`
  if (array) t += '_array'
  if (ER_RESERVED.has(t.toLowerCase())) t += '_'
  return t
}

/** A single-word attribute name: letters, digits, underscores, starting with neither a digit nor PK/FK/UK. */
export function erName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9_]+/g, '_')
  if (!/^[A-Za-z_]/.test(n)) n = `c_${n}`
  if (ER_RESERVED.has(n.toLowerCase())) n += '_'
  return n
}
