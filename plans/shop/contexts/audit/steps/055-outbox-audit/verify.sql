-- Verify: publication carve_events_audit covers every event table of context audit

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_audit') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_audit';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_audit' AND schemaname = 'audit' AND tablename = 'audit_events') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_audit', '"audit"."audit_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_audit' AND schemaname = 'audit' AND tablename = 'auth_events') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_audit', '"audit"."auth_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_audit' AND schemaname = 'audit' AND tablename = 'rbac_decisions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_audit', '"audit"."rbac_decisions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_audit' AND schemaname = 'audit' AND tablename = 'action_traces') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_audit', '"audit"."action_traces"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_audit' AND schemaname = 'audit' AND tablename = 'error_logs') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_audit', '"audit"."error_logs"';
  END IF;
END
$carve$;
