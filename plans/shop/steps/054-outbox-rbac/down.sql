-- Undo: the outbox of context rbac

-- Every lock up front, in one order (by original table name, as in the other direction). Only
-- the first waits (lock_timeout); the rest must be free now (NOWAIT): nothing stays locked while
-- another lock is awaited. A busy table rolls the step back (55P03) and the executor retries it.
LOCK TABLE ONLY "rbac"."access_policies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."permissions" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "rbac"."role_permissions" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "rbac"."roles" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "rbac"."user_role_assignments" IN ACCESS EXCLUSIVE MODE NOWAIT;
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
  IF to_regclass('"rbac"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"rbac"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "rbac"."outbox" FROM "carve_rbac_service";
    DROP TABLE "rbac"."outbox";
  END IF;
END
$carve$;
