-- Loose foreign keys of context auth: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- auth_sessions_user_id_fkey: ON DELETE CASCADE on auth_sessions, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'auth_sessions_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."auth_sessions" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- auth_tokens_tenant_id_fkey: ON DELETE CASCADE on auth_tokens, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'auth_tokens_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."auth_tokens" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- auth_tokens_user_id_fkey: ON DELETE CASCADE on auth_tokens, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'auth_tokens_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."auth_tokens" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- login_identities_user_id_fkey: ON DELETE CASCADE on login_identities, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'login_identities_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."login_identities" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- mfa_factors_user_id_fkey: ON DELETE CASCADE on mfa_factors, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'mfa_factors_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."mfa_factors" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- password_resets_user_id_fkey: ON DELETE CASCADE on password_resets, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'password_resets_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."password_resets" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- refresh_tokens_user_id_fkey: ON DELETE CASCADE on refresh_tokens, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'refresh_tokens_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."refresh_tokens" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- user_credentials_user_id_fkey: ON DELETE CASCADE on user_credentials, applied after the fact
WITH q AS (
  DELETE FROM "auth"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "auth"."carve_loose_fk_queue" WHERE constraint_name = 'user_credentials_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "auth"."user_credentials" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';
