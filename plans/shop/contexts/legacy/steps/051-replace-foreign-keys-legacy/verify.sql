-- Verify: no foreign key from context legacy into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"legacy"."legacy_user_prefs"'::regclass AND conname = 'legacy_user_prefs_user_fk') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'legacy_user_prefs_user_fk', '"legacy"."legacy_user_prefs"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_82d8143155') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_82d8143155', '"ums"."users"';
  END IF;
END
$carve$;
