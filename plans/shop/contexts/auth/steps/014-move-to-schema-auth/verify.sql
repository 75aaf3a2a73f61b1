-- Verify: the tables of context auth live in schema auth, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."user_credentials"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."user_credentials"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_credentials"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."user_credentials"';
  END IF;
  PERFORM 1 FROM "public"."user_credentials" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."login_identities"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."login_identities"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."login_identities"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."login_identities"';
  END IF;
  PERFORM 1 FROM "public"."login_identities" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."auth_sessions"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."auth_sessions"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_sessions"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."auth_sessions"';
  END IF;
  PERFORM 1 FROM "public"."auth_sessions" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."refresh_tokens"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."refresh_tokens"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."refresh_tokens"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."refresh_tokens"';
  END IF;
  PERFORM 1 FROM "public"."refresh_tokens" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."auth_tokens"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."auth_tokens"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_tokens"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."auth_tokens"';
  END IF;
  PERFORM 1 FROM "public"."auth_tokens" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."password_resets"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."password_resets"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."password_resets"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."password_resets"';
  END IF;
  PERFORM 1 FROM "public"."password_resets" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"auth"."mfa_factors"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"auth"."mfa_factors"', 'auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."mfa_factors"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."mfa_factors"';
  END IF;
  PERFORM 1 FROM "public"."mfa_factors" LIMIT 1;
END
$carve$;
