-- Verify: no foreign key from context ums into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_country_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'organizations_country_code_fkey', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."organizations"'::regclass AND conname = 'organizations_default_currency_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'organizations_default_currency_fkey', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_country_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_profiles_country_code_fkey', '"ums"."user_profiles"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_locale_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_profiles_locale_fkey', '"ums"."user_profiles"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"ums"."user_profiles"'::regclass AND conname = 'user_profiles_time_zone_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_profiles_time_zone_fkey', '"ums"."user_profiles"';
  END IF;
END
$carve$;
