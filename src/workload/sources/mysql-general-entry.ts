/**
 * One entry line of the MySQL / MariaDB general query log, in every server version's layout:
 *
 *   MySQL 5.0      `051007 21:55:24\t     42 Connect     root@localhost on db1`
 *                  `\t\t                 42 Query       SELECT …`
 *                  (the command is space-padded to 11 characters, and cut there: `Delayed ins`)
 *   MySQL 5.1–5.6  `081119 10:13:31\t    3 Query\tSELECT …`, later entries of the same second
 *   MariaDB        start with two tabs: `\t\t    3 Query\tSELECT …`
 *   MySQL 5.7–8.x  `2018-09-07T18:45:40.098124+08:00\t257426 Query\tSELECT …` on every entry
 *
 * Some copies (and pt-query-digest's samples) have spaces where the tabs were, or spaces where the
 * timestamp was; whitespace is taken as whitespace.
 */

export interface GeneralEntry {
  /** The timestamp as logged (only on the first entry of a second before MySQL 5.7). */
  time?: string
  /** The connection (thread) id. */
  id: string
  /** The command, as the server names it: `Query`, `Init DB`, `Close stmt`, … */
  command: string
  argument: string
}

/**
 * The server's command names (sql/sql_parse.cc `command_name[]`, MariaDB's additions), for the
 * padded 5.0 layout, where nothing but the name itself ends the command.
 */
const COMMANDS = [
  'Sleep', 'Quit', 'Init DB', 'Query', 'Field List', 'Create DB', 'Drop DB', 'Refresh', 'Shutdown', 'Statistics',
  'Processlist', 'Connect', 'Kill', 'Debug', 'Ping', 'Time', 'Delayed insert', 'Change user', 'Binlog Dump',
  'Table Dump', 'Connect Out', 'Register Slave', 'Prepare', 'Execute', 'Long Data', 'Close stmt', 'Reset stmt',
  'Set option', 'Fetch', 'Daemon', 'Reset connection', 'Bulk_execute', 'Com_multi', 'Error',
]
/** 5.0 cuts names at 11 characters (`%-11.11s`); longest first so `Connect Out` wins over `Connect`. */
const PADDED_NAMES = [...new Set(COMMANDS.map((c) => c.slice(0, 11)))].sort((a, b) => b.length - a.length)
const FULL_NAME = new Map(COMMANDS.map((c) => [c.slice(0, 11), c]))
const KNOWN = new Set(COMMANDS)

const TS = String.raw`\d{6}\s+\d{1,2}:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?`
/** The tab layout (5.1 onwards) in one match: the hot path. The command is capitalised words (`Init DB`, `Close stmt`). */
const TAB_ENTRY = new RegExp(String.raw`^(${TS})?\s+(\d+) ([A-Z][A-Za-z_]*(?: [A-Za-z_]+){0,2})(?:\t(.*))?$`, 's')
/** Timestamp and id of any layout, for the padded 5.0 commands. */
const HEAD = new RegExp(String.raw`^(${TS})?\s+(\d+) (?=[A-Z])`)

/** The entry a line starts, or null for a line that does not start one (a statement's next line). */
export function parseGeneralEntry(line: string): GeneralEntry | null {
  const c = line.charCodeAt(0)
  // Entries start with a digit (timestamp) or whitespace; anything else only continues a statement.
  if (!(c === 9 || c === 32 || (c >= 48 && c <= 57))) return null
  const tab = TAB_ENTRY.exec(line)
  // Without its tab (stripped trailing whitespace) only a known command name ends the line.
  if (tab && (tab[4] !== undefined || KNOWN.has(tab[3]!))) return {time: tab[1], id: tab[2]!, command: tab[3]!, argument: tab[4] ?? ''}
  const head = HEAD.exec(line)
  if (!head) return null
  const rest = line.slice(head[0].length)
  const time = head[1]
  const id = head[2]!
  // 5.0: the command padded with spaces to 11 characters, then the argument.
  for (const name of PADDED_NAMES) {
    if (!rest.startsWith(name)) continue
    const after = rest.charCodeAt(name.length)
    if (!Number.isNaN(after) && after !== 32 && after !== 9) continue // `Queryx`: not a command
    return {time, id, command: FULL_NAME.get(name)!, argument: rest.slice(name.length).replace(/^[ \t]+/, '')}
  }
  return null
}

/** Commands whose argument is a statement that ran (Execute logs it with the values bound). */
export const STATEMENT_COMMANDS: ReadonlySet<string> = new Set(['Query', 'Execute'])
