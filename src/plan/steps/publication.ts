/**
 * Moved to src/steps/outbox/publication.ts (a step kind is one folder, issue 13). Kept only for
 * importers that another branch owns (commands/relay.ts, src/plan/assess-levels.ts, src/plan/stubs/**);
 * delete once they import the new path.
 */
export * from '../../steps/outbox/publication.js'
