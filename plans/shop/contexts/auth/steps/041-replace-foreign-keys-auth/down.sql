-- Undo: re-add the foreign keys of context auth (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "auth"."auth_sessions" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "auth"."auth_tokens" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."login_identities" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."mfa_factors" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."password_resets" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."refresh_tokens" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "auth"."user_credentials" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_1ad71b5356" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_a3467c3a7f" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_74cf860e1b" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_bbfdbef004" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_21831b988f" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_6315f1bcee" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_bea12cff7b" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_d5bbc00192" ON "ums"."users";
DROP FUNCTION IF EXISTS "auth"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "auth"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_sessions"'::regclass AND conname = 'auth_sessions_user_id_fkey') THEN
    ALTER TABLE "auth"."auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."auth_sessions" VALIDATE CONSTRAINT "auth_sessions_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_tenant_id_fkey') THEN
    ALTER TABLE "auth"."auth_tokens" ADD CONSTRAINT "auth_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."auth_tokens" VALIDATE CONSTRAINT "auth_tokens_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_user_id_fkey') THEN
    ALTER TABLE "auth"."auth_tokens" ADD CONSTRAINT "auth_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."auth_tokens" VALIDATE CONSTRAINT "auth_tokens_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."login_identities"'::regclass AND conname = 'login_identities_user_id_fkey') THEN
    ALTER TABLE "auth"."login_identities" ADD CONSTRAINT "login_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."login_identities" VALIDATE CONSTRAINT "login_identities_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."mfa_factors"'::regclass AND conname = 'mfa_factors_user_id_fkey') THEN
    ALTER TABLE "auth"."mfa_factors" ADD CONSTRAINT "mfa_factors_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."mfa_factors" VALIDATE CONSTRAINT "mfa_factors_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."password_resets"'::regclass AND conname = 'password_resets_user_id_fkey') THEN
    ALTER TABLE "auth"."password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."password_resets" VALIDATE CONSTRAINT "password_resets_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."refresh_tokens"'::regclass AND conname = 'refresh_tokens_user_id_fkey') THEN
    ALTER TABLE "auth"."refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."refresh_tokens" VALIDATE CONSTRAINT "refresh_tokens_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."user_credentials"'::regclass AND conname = 'user_credentials_user_id_fkey') THEN
    ALTER TABLE "auth"."user_credentials" ADD CONSTRAINT "user_credentials_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "auth"."user_credentials" VALIDATE CONSTRAINT "user_credentials_user_id_fkey";
  END IF;
END
$carve$;
