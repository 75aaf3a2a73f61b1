/**
 * Quoting for generated SQL. Every identifier Carve writes goes through here — always quoted,
 * never "only when needed": a table called `select`, `Order Lines; DROP TABLE users` or `Prix_€`
 * must come out as exactly that table.
 */

/** PostgreSQL identifier: double quotes, embedded quotes doubled. NUL cannot be represented. */
export function ident(name: string): string {
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(name)}`)
  return `"${name.replace(/"/g, '""')}"`
}

/** schema.name, both quoted. */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`
}

/** A relation as generated SQL and messages name it: schema.name, both quoted. */
export function relationLabel(r: {schema: string; name: string}): string {
  return qualified(r.schema, r.name)
}

/** PostgreSQL string literal: standard-conforming, quotes doubled; E'' never needed. */
export function literal(text: string): string {
  if (text.includes('\u0000')) throw new Error('string contains a NUL byte')
  return `'${text.replace(/'/g, "''")}'`
}

/** A literal naming a relation for to_regclass()/::regclass: the quoted, qualified name as text. */
export function regclassLiteral(schema: string, name: string): string {
  return literal(qualified(schema, name))
}

/**
 * A DO block whose dollar-quote tag does not occur in the body (a hostile name could contain
 * `$carve$`; the tag then grows until it is unique).
 */
export function doBlock(body: string): string {
  let tag = '$carve$'
  for (let i = 1; body.includes(tag); i++) tag = `$carve${i}$`
  return `DO ${tag}\n${body.trim()}\n${tag};`
}

/** A dollar-quoted string for function bodies, same rule as doBlock. */
export function dollarQuote(body: string, base = 'body'): string {
  let tag = `$${base}$`
  for (let i = 1; body.includes(tag); i++) tag = `$${base}${i}$`
  return `${tag}\n${body.trim()}\n${tag}`
}

/** MySQL/MariaDB identifier: backticks, embedded backticks doubled. */
export function mysqlIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(name)}`)
  return `\`${name.replace(/`/g, '``')}\``
}

/** MySQL string literal (NO_BACKSLASH_ESCAPES may be off: escape backslashes too). */
export function mysqlLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** A line of SQL comment: newlines in free text (descriptions, names) would end the comment. */
export function sqlComment(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map((l) => `-- ${l.replace(/[\u0000-\u001f\u007f]/g, ' ')}`.trimEnd())
    .join('\n')
}
