-- Undo: the outbox of context memberships

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "memberships"."entitlements" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "memberships"."membership_plans" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."plan_subscriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."usage_records" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_fundings" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_transactions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallets" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"memberships"."membership_plans"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."membership_plans";
  END IF;
  IF to_regclass('"memberships"."plan_subscriptions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."plan_subscriptions";
  END IF;
  IF to_regclass('"memberships"."entitlements"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."entitlements";
  END IF;
  IF to_regclass('"memberships"."usage_records"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."usage_records";
  END IF;
  IF to_regclass('"memberships"."wallets"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallets";
  END IF;
  IF to_regclass('"memberships"."wallet_transactions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallet_transactions";
  END IF;
  IF to_regclass('"memberships"."wallet_fundings"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallet_fundings";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"memberships"."membership_plans"', '"memberships"."plan_subscriptions"', '"memberships"."entitlements"', '"memberships"."usage_records"', '"memberships"."wallets"', '"memberships"."wallet_transactions"', '"memberships"."wallet_fundings"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"memberships"."membership_plans"', '"memberships"."plan_subscriptions"', '"memberships"."entitlements"', '"memberships"."usage_records"', '"memberships"."wallets"', '"memberships"."wallet_transactions"', '"memberships"."wallet_fundings"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "memberships"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"memberships"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"memberships"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "memberships"."outbox" FROM "carve_memberships_service";
    DROP TABLE "memberships"."outbox";
  END IF;
END
$carve$;
