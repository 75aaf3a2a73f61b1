/**
 * "1 table", "3 tables", "2 indexes": a count and the word that goes with it. The count is
 * printed by `format` (String by default; a report passes its own number formatting).
 */
export function plural(n: number, one: string, many = `${one}s`, format: (n: number) => string = String): string {
  return `${format(n)} ${n === 1 ? one : many}`
}
