-- Undo: the outbox of context ums

DO $carve$
BEGIN
  IF to_regclass('"ums"."users"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."users";
  END IF;
  IF to_regclass('"ums"."user_profiles"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_profiles";
  END IF;
  IF to_regclass('"ums"."organizations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."organizations";
  END IF;
  IF to_regclass('"ums"."org_memberships"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."org_memberships";
  END IF;
  IF to_regclass('"ums"."modules"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."modules";
  END IF;
  IF to_regclass('"ums"."module_access"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."module_access";
  END IF;
  IF to_regclass('"ums"."user_attributes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_attributes";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "ums"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"ums"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "ums"."outbox" FROM "carve_ums_service";
    DROP TABLE "ums"."outbox";
  END IF;
END
$carve$;
