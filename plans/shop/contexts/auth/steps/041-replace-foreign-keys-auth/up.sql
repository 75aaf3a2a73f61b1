-- Step: drop the foreign keys from context auth into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "auth"."auth_sessions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "auth"."auth_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."login_identities" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."mfa_factors" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."password_resets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."refresh_tokens" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."user_credentials" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "auth"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "auth"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "auth"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_1ad71b5356" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_1ad71b5356" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('auth_sessions_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_a3467c3a7f" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_a3467c3a7f" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('auth_tokens_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_74cf860e1b" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_74cf860e1b" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('auth_tokens_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_bbfdbef004" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_bbfdbef004" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('login_identities_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_21831b988f" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_21831b988f" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('mfa_factors_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_6315f1bcee" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_6315f1bcee" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('password_resets_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_bea12cff7b" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_bea12cff7b" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('refresh_tokens_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_d5bbc00192" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_d5bbc00192" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "auth"."carve_loose_fk_enqueue"('user_credentials_user_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_sessions"'::regclass AND conname = 'auth_sessions_user_id_fkey') THEN
    ALTER TABLE "auth"."auth_sessions" DROP CONSTRAINT "auth_sessions_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_tenant_id_fkey') THEN
    ALTER TABLE "auth"."auth_tokens" DROP CONSTRAINT "auth_tokens_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_user_id_fkey') THEN
    ALTER TABLE "auth"."auth_tokens" DROP CONSTRAINT "auth_tokens_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."login_identities"'::regclass AND conname = 'login_identities_user_id_fkey') THEN
    ALTER TABLE "auth"."login_identities" DROP CONSTRAINT "login_identities_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."mfa_factors"'::regclass AND conname = 'mfa_factors_user_id_fkey') THEN
    ALTER TABLE "auth"."mfa_factors" DROP CONSTRAINT "mfa_factors_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."password_resets"'::regclass AND conname = 'password_resets_user_id_fkey') THEN
    ALTER TABLE "auth"."password_resets" DROP CONSTRAINT "password_resets_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."refresh_tokens"'::regclass AND conname = 'refresh_tokens_user_id_fkey') THEN
    ALTER TABLE "auth"."refresh_tokens" DROP CONSTRAINT "refresh_tokens_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."user_credentials"'::regclass AND conname = 'user_credentials_user_id_fkey') THEN
    ALTER TABLE "auth"."user_credentials" DROP CONSTRAINT "user_credentials_user_id_fkey";
  END IF;
END
$carve$;
