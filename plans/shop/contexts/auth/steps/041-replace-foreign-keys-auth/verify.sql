-- Verify: no foreign key from context auth into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_sessions"'::regclass AND conname = 'auth_sessions_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'auth_sessions_user_id_fkey', '"auth"."auth_sessions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_1ad71b5356') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_1ad71b5356', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'auth_tokens_tenant_id_fkey', '"auth"."auth_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_a3467c3a7f') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_a3467c3a7f', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."auth_tokens"'::regclass AND conname = 'auth_tokens_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'auth_tokens_user_id_fkey', '"auth"."auth_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_74cf860e1b') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_74cf860e1b', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."login_identities"'::regclass AND conname = 'login_identities_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'login_identities_user_id_fkey', '"auth"."login_identities"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_bbfdbef004') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_bbfdbef004', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."mfa_factors"'::regclass AND conname = 'mfa_factors_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'mfa_factors_user_id_fkey', '"auth"."mfa_factors"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_21831b988f') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_21831b988f', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."password_resets"'::regclass AND conname = 'password_resets_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'password_resets_user_id_fkey', '"auth"."password_resets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_6315f1bcee') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_6315f1bcee', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."refresh_tokens"'::regclass AND conname = 'refresh_tokens_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'refresh_tokens_user_id_fkey', '"auth"."refresh_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_bea12cff7b') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_bea12cff7b', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"auth"."user_credentials"'::regclass AND conname = 'user_credentials_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_credentials_user_id_fkey', '"auth"."user_credentials"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_d5bbc00192') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_d5bbc00192', '"ums"."users"';
  END IF;
END
$carve$;
