-- Undo: re-add the foreign keys of context ums (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again


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
