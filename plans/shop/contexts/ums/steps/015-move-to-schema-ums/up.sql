-- Step: move the tables of context ums into schema ums
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."module_access" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."modules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."org_memberships" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_attributes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_profiles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "ums";
DO $carve$
BEGIN
  IF to_regclass('"ums"."users"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."users"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."users" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."user_profiles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_profiles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."user_profiles" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."organizations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."organizations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."organizations" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."org_memberships"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."org_memberships"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."org_memberships" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."modules"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."modules"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."modules" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."module_access"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."module_access"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."module_access" SET SCHEMA "ums";
  END IF;
  IF to_regclass('"ums"."user_attributes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_attributes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."user_attributes" SET SCHEMA "ums";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."users" AS
  SELECT "id", "email", "legacy_login", "primary_org_id", "status", "email_verified", "created_at", "updated_at", "deleted_at"
  FROM "ums"."users";
COMMENT ON VIEW "public"."users" IS 'carve:compatibility-view ums.users (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."user_profiles" AS
  SELECT "user_id", "first_name", "last_name", "display_name", "phone", "country_code", "locale", "time_zone", "avatar_url", "job_title", "fax", "updated_at", "updated_by"
  FROM "ums"."user_profiles";
COMMENT ON VIEW "public"."user_profiles" IS 'carve:compatibility-view ums.user_profiles (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."organizations" AS
  SELECT "id", "slug", "legal_name", "display_name", "country_code", "default_currency", "plan_tier", "is_active", "created_on", "parent_org_id"
  FROM "ums"."organizations";
COMMENT ON VIEW "public"."organizations" IS 'carve:compatibility-view ums.organizations (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."org_memberships" AS
  SELECT "id", "tenant_id", "user_id", "member_type", "joined_at", "left_at", "invited_by"
  FROM "ums"."org_memberships";
COMMENT ON VIEW "public"."org_memberships" IS 'carve:compatibility-view ums.org_memberships (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."modules" AS
  SELECT "code", "name", "description", "is_billable"
  FROM "ums"."modules";
COMMENT ON VIEW "public"."modules" IS 'carve:compatibility-view ums.modules (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."module_access" AS
  SELECT "id", "tenant_id", "user_id", "module_code", "granted_at", "revoked_at"
  FROM "ums"."module_access";
COMMENT ON VIEW "public"."module_access" IS 'carve:compatibility-view ums.module_access (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."user_attributes" AS
  SELECT "id", "user_id", "tenant_id", "attr_key", "attr_value", "data_type", "st_dt", "e_dt", "changed_by"
  FROM "ums"."user_attributes";
COMMENT ON VIEW "public"."user_attributes" IS 'carve:compatibility-view ums.user_attributes (owner: ums-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"ums"."users"', '"public"."users"'),
    ('"ums"."user_profiles"', '"public"."user_profiles"'),
    ('"ums"."organizations"', '"public"."organizations"'),
    ('"ums"."org_memberships"', '"public"."org_memberships"'),
    ('"ums"."modules"', '"public"."modules"'),
    ('"ums"."module_access"', '"public"."module_access"'),
    ('"ums"."user_attributes"', '"public"."user_attributes"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'ums')
       AND NOT has_schema_privilege(owner_name, 'ums', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'ums', owner_name);
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
