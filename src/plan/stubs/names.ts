/**
 * Names for generated API stubs: URL segments, type names, parameter names, file names, and
 * TypeScript literals. Table and column names are arbitrary text (`Order Lines; DROP TABLE
 * users`, `select`, `Prix_€`); everything here turns them into something valid in its place and
 * keeps two different tables from getting the same name.
 */

/** Lower-case ASCII words of a name: accents dropped, anything else separates words. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
}

/** English plural of the last word, for collection paths (`order_line` → `order-lines`). */
function plural(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return /(ss|x|z|ch|sh)$/.test(word) ? `${word}es` : word
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`
  return `${word}s`
}

/** The collection segment of a table: kebab-case, ASCII, plural (`order_lines` → `order-lines`). */
export function resourceSegment(table: string): string {
  const w = words(table)
  if (w.length === 0) return 'rows'
  w[w.length - 1] = plural(w[w.length - 1]!)
  return w.join('-')
}

/** PascalCase ASCII name (`order_lines` → `OrderLines`), never starting with a digit. */
export function pascal(text: string): string {
  const name = words(text)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
  if (name === '') return 'Table'
  return /^[0-9]/.test(name) ? `T${name}` : name
}

/** camelCase, same rules. */
export function camel(text: string): string {
  const p = pascal(text)
  return p[0]!.toLowerCase() + p.slice(1)
}

/** A parameter name for a column: snake_case ASCII (path/query parameters stay URL-safe). */
export function paramName(column: string): string {
  const name = words(column).join('_')
  if (name === '') return 'key'
  return /^[0-9]/.test(name) ? `_${name}` : name
}

/** File name for a service: kebab-case ASCII; never empty, never `.`/`..`. */
export function fileSlug(text: string): string {
  return words(text).join('-') || 'service'
}

/**
 * Picks unique names in a fixed order: the first to ask keeps the clean name, later ones get
 * 2, 3, … appended. `also` lists names derived from a base that must not collide either
 * (`OrderLines` also takes `OrderLinesCreate`, so a table called `order_lines_create` cannot).
 */
export class UniqueNames {
  private readonly taken: Set<string>

  constructor(
    reserved: Iterable<string> = [],
    private readonly also: (name: string) => string[] = () => [],
    private readonly join: (base: string, n: number) => string = (base, n) => `${base}${n}`,
  ) {
    this.taken = new Set(reserved)
  }

  take(base: string): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : this.join(base, n)
      const all = [name, ...this.also(name)]
      if (all.every((a) => !this.taken.has(a))) {
        for (const a of all) this.taken.add(a)
        return name
      }
    }
  }
}

/**
 * A TypeScript string literal: JSON.stringify's escaping, shown single-quoted so SQL (full of
 * double quotes) stays readable. Every `"` JSON escapes is unescaped and every `'` escaped.
 */
export function tsString(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A property name in an interface or object literal: bare when it is an identifier, else quoted. */
export function tsProp(name: string): string {
  return IDENTIFIER.test(name) ? name : tsString(name)
}

/**
 * A key in an object literal. `__proto__: x` (bare or quoted) would set the prototype instead of
 * a property, so that one name is written as a computed key.
 */
export function tsKey(name: string): string {
  return name === '__proto__' ? `[${tsString(name)}]` : tsProp(name)
}

/** Property access: `.name` or `['name']`. */
export function tsAccess(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${tsString(name)}]`
}

/** Free text inside a `/** … *\/` or `//` comment: one line, and never closing the comment. */
export function commentText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\*\//g, '*\\/')
    .trim()
}
