-- Step: drop the foreign keys from context ums into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

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
