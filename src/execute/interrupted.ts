/**
 * The user pressed Ctrl-C while a step waited to retry: nothing of the step is left. A leaf, so
 * that runners (kinds/*, cutover.ts) and the SQL step path (sql-step.ts) can share it without
 * importing each other.
 */
export class Interrupted extends Error {
  constructor() {
    super('interrupted')
  }
}
