-- Undo: the grants on the tables of context legacy

DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'legacy' AND relation <> '' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'legacy';
END
$carve$;
REVOKE SELECT ON "public"."old_payment_log" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."old_payment_log" FROM "carve_admin";
REVOKE SELECT ON "legacy"."old_payment_log" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "legacy"."old_payment_log" FROM "carve_admin";
REVOKE SELECT ON "public"."legacy_user_prefs" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."legacy_user_prefs" FROM "carve_admin";
REVOKE SELECT ON "legacy"."legacy_user_prefs" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "legacy"."legacy_user_prefs" FROM "carve_admin";
REVOKE USAGE, SELECT ON SEQUENCE "legacy"."old_payment_log_log_id_seq" FROM "carve_admin";
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'legacy') THEN
    REVOKE USAGE ON SCHEMA "legacy" FROM "carve_admin", "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."revoked_grants") THEN
      DROP TABLE "carve"."revoked_grants";
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'carve') THEN
    DROP SCHEMA "carve";
  END IF;
END
$carve$;
