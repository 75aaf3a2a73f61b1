-- Verify: no foreign key from context rbac into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."access_policies"'::regclass AND conname = 'access_policies_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'access_policies_tenant_id_fkey', '"rbac"."access_policies"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_01c4b61f5c') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_01c4b61f5c', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."roles"'::regclass AND conname = 'roles_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'roles_tenant_id_fkey', '"rbac"."roles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_1ad6cc0523') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_1ad6cc0523', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_granted_by_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_role_assignments_granted_by_fkey', '"rbac"."user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_c9d0b6c111') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_c9d0b6c111', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_role_assignments_tenant_id_fkey', '"rbac"."user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_edd2483462') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_edd2483462', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'user_role_assignments_user_id_fkey', '"rbac"."user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_2cf4e9be27') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_2cf4e9be27', '"ums"."users"';
  END IF;
END
$carve$;
