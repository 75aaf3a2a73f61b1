-- Undo: the outbox of context audit

DO $carve$
BEGIN
  IF to_regclass('"audit"."audit_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."audit_events";
  END IF;
  IF to_regclass('"audit"."auth_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."auth_events";
  END IF;
  IF to_regclass('"audit"."rbac_decisions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."rbac_decisions";
  END IF;
  IF to_regclass('"audit"."action_traces"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."action_traces";
  END IF;
  IF to_regclass('"audit"."error_logs"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."error_logs";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "audit"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"audit"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "audit"."outbox" FROM "carve_audit_service";
    DROP TABLE "audit"."outbox";
  END IF;
END
$carve$;
