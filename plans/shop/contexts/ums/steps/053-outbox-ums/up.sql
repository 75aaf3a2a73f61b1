-- Step: an outbox for context ums, fed by triggers on its tables

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "ums"."module_access" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."modules" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."org_memberships" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_attributes" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_profiles" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- Plain CREATEs: an outbox or function that exists already (not made by this plan) fails the
-- step instead of being adopted, so rollback can never drop someone else's table.
CREATE TABLE "ums"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "ums"."outbox" IS 'carve:outbox events of context ums (owner: ums-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE FUNCTION "ums"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n) WHERE n > 1;
  -- TG_ARGV[0] is the table's name: a partition fires its root's cloned trigger, and its events
  -- must carry the root's name (payment.created, not payment_p2022_03.created).
  INSERT INTO "ums"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_ARGV[0], coalesce(key_text, ''),
          TG_ARGV[0] || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('users', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."user_profiles"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('user_profiles', 'user_id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('organizations', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."org_memberships"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('org_memberships', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."modules"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('modules', 'code');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."module_access"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('module_access', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."user_attributes"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('user_attributes', 'id');
GRANT SELECT, DELETE ON "ums"."outbox" TO "carve_ums_service";
