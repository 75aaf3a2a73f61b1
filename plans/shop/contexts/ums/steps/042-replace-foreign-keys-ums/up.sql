-- Step: drop the foreign keys from context ums into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."locales" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_profiles" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_country_code_fkey') THEN
    ALTER TABLE "ums"."organizations" DROP CONSTRAINT "organizations_country_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_default_currency_fkey') THEN
    ALTER TABLE "ums"."organizations" DROP CONSTRAINT "organizations_default_currency_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_country_code_fkey') THEN
    ALTER TABLE "ums"."user_profiles" DROP CONSTRAINT "user_profiles_country_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_locale_fkey') THEN
    ALTER TABLE "ums"."user_profiles" DROP CONSTRAINT "user_profiles_locale_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_time_zone_fkey') THEN
    ALTER TABLE "ums"."user_profiles" DROP CONSTRAINT "user_profiles_time_zone_fkey";
  END IF;
END
$carve$;
