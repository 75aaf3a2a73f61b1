-- Undo: the outbox of context rbac

DO $carve$
BEGIN
  IF to_regclass('"rbac"."roles"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."roles";
  END IF;
  IF to_regclass('"rbac"."permissions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."permissions";
  END IF;
  IF to_regclass('"rbac"."role_permissions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."role_permissions";
  END IF;
  IF to_regclass('"rbac"."user_role_assignments"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."user_role_assignments";
  END IF;
  IF to_regclass('"rbac"."access_policies"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."access_policies";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "rbac"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"rbac"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "rbac"."outbox" FROM "carve_rbac_service";
    DROP TABLE "rbac"."outbox";
  END IF;
END
$carve$;
