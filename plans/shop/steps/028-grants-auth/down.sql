-- Undo: the grants on the tables of context auth

DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'auth' AND relation <> '' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'auth';
END
$carve$;
REVOKE SELECT ON "public"."mfa_factors" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."mfa_factors" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."mfa_factors" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."mfa_factors" FROM "carve_auth_service";
REVOKE SELECT ON "public"."password_resets" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."password_resets" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."password_resets" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."password_resets" FROM "carve_auth_service";
REVOKE SELECT ON "public"."auth_tokens" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."auth_tokens" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."auth_tokens" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."auth_tokens" FROM "carve_auth_service";
REVOKE SELECT ON "public"."refresh_tokens" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."refresh_tokens" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."refresh_tokens" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."refresh_tokens" FROM "carve_auth_service";
REVOKE SELECT ON "public"."auth_sessions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."auth_sessions" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."auth_sessions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."auth_sessions" FROM "carve_auth_service";
REVOKE SELECT ON "public"."login_identities" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."login_identities" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."login_identities" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."login_identities" FROM "carve_auth_service";
REVOKE SELECT ON "public"."user_credentials" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."user_credentials" FROM "carve_auth_service";
REVOKE SELECT ON "auth"."user_credentials" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "auth"."user_credentials" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."auth_tokens_id_seq" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."login_identities_id_seq" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."mfa_factors_id_seq" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."password_resets_id_seq" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."refresh_tokens_id_seq" FROM "carve_auth_service";
REVOKE USAGE, SELECT ON SEQUENCE "auth"."user_credentials_id_seq" FROM "carve_auth_service";
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    REVOKE USAGE ON SCHEMA "auth" FROM "carve_auth_service", "carve_reporting";
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
