-- Step: document the ownership of context audit
-- owner: audit-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."audit_events"'::regclass, 'audit', 'audit-service', 'owned', 'audit_events'),
  ('"public"."auth_events"'::regclass, 'audit', 'audit-service', 'owned', 'auth_events'),
  ('"public"."rbac_decisions"'::regclass, 'audit', 'audit-service', 'owned', 'rbac_decisions'),
  ('"public"."action_traces"'::regclass, 'audit', 'audit-service', 'owned', 'action_traces'),
  ('"public"."error_logs"'::regclass, 'audit', 'audit-service', 'owned', 'error_logs')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
