-- Step: move the tables of context legacy into schema legacy
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."legacy_user_prefs" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."old_payment_log" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "legacy";
DO $carve$
BEGIN
  IF to_regclass('"legacy"."legacy_user_prefs"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."legacy_user_prefs"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."legacy_user_prefs" SET SCHEMA "legacy";
  END IF;
  IF to_regclass('"legacy"."old_payment_log"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."old_payment_log"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."old_payment_log" SET SCHEMA "legacy";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."legacy_user_prefs" AS
  SELECT "user_id", "pref_name", "pref_val", "ins_ts"
  FROM "legacy"."legacy_user_prefs";
COMMENT ON VIEW "public"."legacy_user_prefs" IS 'carve:compatibility-view legacy.legacy_user_prefs (owner: admin). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."old_payment_log" AS
  SELECT "log_id", "order_ref", "psp", "psp_txn", "amount_cents", "resp_code", "raw_resp", "ins_ts"
  FROM "legacy"."old_payment_log";
COMMENT ON VIEW "public"."old_payment_log" IS 'carve:compatibility-view legacy.old_payment_log (owner: admin). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"legacy"."legacy_user_prefs"', '"public"."legacy_user_prefs"'),
    ('"legacy"."old_payment_log"', '"public"."old_payment_log"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'legacy')
       AND NOT has_schema_privilege(owner_name, 'legacy', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'legacy', owner_name);
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
