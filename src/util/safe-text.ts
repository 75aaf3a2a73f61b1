/**
 * Names come from the database and may hold anything, newlines and escape codes included.
 * Show control characters escaped so a hostile table name cannot rewrite the terminal.
 */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
