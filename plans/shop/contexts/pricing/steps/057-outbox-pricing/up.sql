-- Step: an outbox for context pricing, fed by triggers on its tables

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "pricing"."discounts" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "pricing"."price_lists" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_rules" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."pricing_snapshots" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotion_redemptions" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotions" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."tax_rates" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- Plain CREATEs: an outbox or function that exists already (not made by this plan) fails the
-- step instead of being adopted, so rollback can never drop someone else's table.
CREATE TABLE "pricing"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "pricing"."outbox" IS 'carve:outbox events of context pricing (owner: pricing-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE FUNCTION "pricing"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n) WHERE n > 1;
  -- TG_ARGV[0] is the table's name: a partition fires its root's cloned trigger, and its events
  -- must carry the root's name (payment.created, not payment_p2022_03.created).
  INSERT INTO "pricing"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_ARGV[0], coalesce(key_text, ''),
          TG_ARGV[0] || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."price_lists"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('price_lists', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."price_rules"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('price_rules', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."discounts"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('discounts', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."promotions"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('promotions', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."promotion_redemptions"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('promotion_redemptions', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."pricing_snapshots"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('pricing_snapshots', 'id');
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."tax_rates"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('tax_rates', 'id');
GRANT SELECT, DELETE ON "pricing"."outbox" TO "carve_pricing_service";
