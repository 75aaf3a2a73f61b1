-- Undo: re-add the foreign keys of context ums (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."countries" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."locales" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_profiles" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_country_code_fkey') THEN
    ALTER TABLE "ums"."organizations" ADD CONSTRAINT "organizations_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "ums"."organizations" VALIDATE CONSTRAINT "organizations_country_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_default_currency_fkey') THEN
    ALTER TABLE "ums"."organizations" ADD CONSTRAINT "organizations_default_currency_fkey" FOREIGN KEY ("default_currency") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "ums"."organizations" VALIDATE CONSTRAINT "organizations_default_currency_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_country_code_fkey') THEN
    ALTER TABLE "ums"."user_profiles" ADD CONSTRAINT "user_profiles_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "reference_data"."countries" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "ums"."user_profiles" VALIDATE CONSTRAINT "user_profiles_country_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_locale_fkey') THEN
    ALTER TABLE "ums"."user_profiles" ADD CONSTRAINT "user_profiles_locale_fkey" FOREIGN KEY ("locale") REFERENCES "reference_data"."locales" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "ums"."user_profiles" VALIDATE CONSTRAINT "user_profiles_locale_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_time_zone_fkey') THEN
    ALTER TABLE "ums"."user_profiles" ADD CONSTRAINT "user_profiles_time_zone_fkey" FOREIGN KEY ("time_zone") REFERENCES "reference_data"."time_zones" ("name") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "ums"."user_profiles" VALIDATE CONSTRAINT "user_profiles_time_zone_fkey";
  END IF;
END
$carve$;
