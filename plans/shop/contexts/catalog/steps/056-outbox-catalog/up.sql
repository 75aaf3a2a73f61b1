-- Step: an outbox for context catalog, fed by triggers on its tables

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "catalog"."bundle_items" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "catalog"."bundles" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."categories" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_descriptions" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_tags" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- Plain CREATEs: an outbox or function that exists already (not made by this plan) fails the
-- step instead of being adopted, so rollback can never drop someone else's table.
CREATE TABLE "catalog"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "catalog"."outbox" IS 'carve:outbox events of context catalog (owner: catalog-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE FUNCTION "catalog"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n) WHERE n > 1;
  -- TG_ARGV[0] is the table's name: a partition fires its root's cloned trigger, and its events
  -- must carry the root's name (payment.created, not payment_p2022_03.created).
  INSERT INTO "catalog"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_ARGV[0], coalesce(key_text, ''),
          TG_ARGV[0] || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."categories"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('categories', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('products', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."product_descriptions"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('product_descriptions', 'product_id', 'locale');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."product_tags"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('product_tags', 'product_id', 'tag');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."bundles"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('bundles', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "catalog"."bundle_items"
  FOR EACH ROW EXECUTE FUNCTION "catalog"."carve_outbox_emit"('bundle_items', 'bundle_id', 'product_id');
GRANT SELECT, DELETE ON "catalog"."outbox" TO "carve_catalog_service";
