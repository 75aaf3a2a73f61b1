-- Undo: the outbox of context auth

DO $carve$
BEGIN
  IF to_regclass('"auth"."user_credentials"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."user_credentials";
  END IF;
  IF to_regclass('"auth"."login_identities"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."login_identities";
  END IF;
  IF to_regclass('"auth"."auth_sessions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."auth_sessions";
  END IF;
  IF to_regclass('"auth"."refresh_tokens"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."refresh_tokens";
  END IF;
  IF to_regclass('"auth"."auth_tokens"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."auth_tokens";
  END IF;
  IF to_regclass('"auth"."password_resets"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."password_resets";
  END IF;
  IF to_regclass('"auth"."mfa_factors"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "auth"."mfa_factors";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "auth"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"auth"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "auth"."outbox" FROM "carve_auth_service";
    DROP TABLE "auth"."outbox";
  END IF;
END
$carve$;
