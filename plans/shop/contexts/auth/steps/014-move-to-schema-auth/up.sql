-- Step: move the tables of context auth into schema auth
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."auth_sessions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."auth_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."login_identities" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."mfa_factors" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."password_resets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."refresh_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_credentials" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "auth";
DO $carve$
BEGIN
  IF to_regclass('"auth"."user_credentials"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_credentials"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."user_credentials" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."login_identities"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."login_identities"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."login_identities" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."auth_sessions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_sessions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."auth_sessions" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."refresh_tokens"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."refresh_tokens"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."refresh_tokens" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."auth_tokens"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_tokens"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."auth_tokens" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."password_resets"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."password_resets"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."password_resets" SET SCHEMA "auth";
  END IF;
  IF to_regclass('"auth"."mfa_factors"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."mfa_factors"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."mfa_factors" SET SCHEMA "auth";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."user_credentials" AS
  SELECT "id", "user_id", "password_hash", "hash_algo", "must_change", "failed_attempts", "locked_until", "last_login_at", "created_at", "rotated_at", "is_current"
  FROM "auth"."user_credentials";
COMMENT ON VIEW "public"."user_credentials" IS 'carve:compatibility-view auth.user_credentials (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."login_identities" AS
  SELECT "id", "user_id", "provider", "subject", "email_at_link", "linked_at", "last_used_at"
  FROM "auth"."login_identities";
COMMENT ON VIEW "public"."login_identities" IS 'carve:compatibility-view auth.login_identities (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."auth_sessions" AS
  SELECT "id", "user_id", "identity_id", "ip_address", "user_agent", "created_at", "expires_at", "revoked_at"
  FROM "auth"."auth_sessions";
COMMENT ON VIEW "public"."auth_sessions" IS 'carve:compatibility-view auth.auth_sessions (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."refresh_tokens" AS
  SELECT "id", "session_id", "user_id", "token_hash", "issued_at", "expires_at", "replaced_by", "revoked"
  FROM "auth"."refresh_tokens";
COMMENT ON VIEW "public"."refresh_tokens" IS 'carve:compatibility-view auth.refresh_tokens (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."auth_tokens" AS
  SELECT "id", "user_id", "tenant_id", "name", "token_prefix", "token_hash", "scopes", "created_at", "last_used_at", "expires_at"
  FROM "auth"."auth_tokens";
COMMENT ON VIEW "public"."auth_tokens" IS 'carve:compatibility-view auth.auth_tokens (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."password_resets" AS
  SELECT "id", "user_id", "token_hash", "requested_at", "requested_ip", "expires_at", "used_at"
  FROM "auth"."password_resets";
COMMENT ON VIEW "public"."password_resets" IS 'carve:compatibility-view auth.password_resets (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."mfa_factors" AS
  SELECT "id", "user_id", "factor_type", "secret_ref", "label", "enrolled_at", "disabled_at"
  FROM "auth"."mfa_factors";
COMMENT ON VIEW "public"."mfa_factors" IS 'carve:compatibility-view auth.mfa_factors (owner: auth-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"auth"."user_credentials"', '"public"."user_credentials"'),
    ('"auth"."login_identities"', '"public"."login_identities"'),
    ('"auth"."auth_sessions"', '"public"."auth_sessions"'),
    ('"auth"."refresh_tokens"', '"public"."refresh_tokens"'),
    ('"auth"."auth_tokens"', '"public"."auth_tokens"'),
    ('"auth"."password_resets"', '"public"."password_resets"'),
    ('"auth"."mfa_factors"', '"public"."mfa_factors"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'auth')
       AND NOT has_schema_privilege(owner_name, 'auth', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'auth', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
