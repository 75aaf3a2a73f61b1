-- Loose foreign keys of context legacy: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- legacy_user_prefs_user_fk: ON DELETE CASCADE on legacy_user_prefs, applied after the fact
WITH q AS (
  DELETE FROM "legacy"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "legacy"."carve_loose_fk_queue" WHERE constraint_name = 'legacy_user_prefs_user_fk' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "legacy"."legacy_user_prefs" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';
