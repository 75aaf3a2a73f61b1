-- Verify: publication carve_events_auth covers every event table of context auth

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_auth') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_auth';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'user_credentials') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."user_credentials"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'login_identities') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."login_identities"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'auth_sessions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."auth_sessions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'refresh_tokens') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."refresh_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'auth_tokens') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."auth_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'password_resets') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."password_resets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_auth' AND schemaname = 'auth' AND tablename = 'mfa_factors') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_auth', '"auth"."mfa_factors"';
  END IF;
END
$carve$;
