/**
 * Moved to src/steps/outbox/ (a step kind is one folder, issue 13). Kept only for importers that
 * another branch owns (src/plan/stubs/**); delete once they import src/steps/outbox/ directly.
 */
export * from '../../steps/outbox/postgres.js'
