/**
 * Commerce services: catalog, pricing, availability and orders.
 *
 * Legacy habits simulated here:
 *   - Catalog computes the final price by reading price_rules, price_lists, discounts, promotions
 *     and stock_levels (habit 4); its bulk editor writes price_rules
 *   - Orders bumps stock_levels.reserved and inserts slot_reservations at checkout, writes wallet
 *     spends into wallet_transactions, marks payments captured and gateway_transactions settled
 *     when a webhook is late (habit 5), and reads role tables directly (habit 3)
 */
import {createHash} from 'node:crypto'

import type {Ctx} from '../context.js'
import type {Id, Param} from '../db.js'
import {cents} from '../rng.js'
import {orderSlice, slice, type ProductRow, type StockRow} from '../pools.js'
import {checkPermission, v, writeAudit, type WorkerSpec} from './common.js'

const LOCALES = ['en-GB', 'en-GB', 'en-GB', 'de-DE', 'fr-FR']
const TAGS = ['bestseller', 'new', 'eco', 'gift-idea', 'clearance', 'staff-pick', 'waterproof', 'handmade', 'premium', 'starter']
const CATEGORY_NAMES = ['Tents & shelters', 'Backpacks', 'Rainwear', 'Cookware', 'Knives', 'Coffee gear', 'Lighting', 'Textiles', 'City bikes', 'Bike parts', 'Helmets', 'Repairs', 'Classes']

// ---------------------------------------------------------------------------------------------
// catalog-service
// ---------------------------------------------------------------------------------------------

async function catalogStep(ctx: Ctx): Promise<void> {
  const {db, rng, pools, d} = ctx
  const op = rng.weighted({page: 34, listing: 18, search: 6, categories: 6, edit: 6, tags: 3, create: 1, priceImport: 1.5})
  switch (op) {
    case 'page': {
      const p = rng.pick(pools.activeProducts)
      await db.q(
        `SELECT p.id, p.sku, p.name, p.product_type, p.status, c.name AS category, d.title, d.short_text
  FROM products p
  LEFT JOIN categories c ON c.id = p.category_id
  LEFT JOIN product_descriptions d ON d.product_id = p.id AND d.locale = ?
 WHERE p.id = ?`,
        [rng.pick(LOCALES), p.id],
      )
      if (rng.chance(0.35)) {
        // Legacy habit 4: the product page answers with the final price and the stock.
        if (ctx.pg && rng.chance(0.25)) {
          await db.q('SELECT current_price(?, now(), ?) AS price', [p.id, rng.int(1, 20)])
        } else {
          await db.q(
            `SELECT p.id,
       coalesce(pr.amount, p.list_price) AS price,
       pl.currency_code,
       max(dc.percent_off) AS best_percent_off
  FROM products p
  LEFT JOIN price_rules pr ON pr.product_id = p.id
       AND pr.valid_from <= now() AND (pr.valid_to IS NULL OR pr.valid_to > now())
  LEFT JOIN price_lists pl ON pl.id = pr.price_list_id AND pl.is_active
  LEFT JOIN discounts dc ON (dc.product_id = p.id OR dc.category_id = p.category_id)
       AND dc.valid_from <= now() AND (dc.valid_to IS NULL OR dc.valid_to > now())
 WHERE p.id = ? AND (pr.price_list_id IS NULL OR pr.price_list_id = ?)
 GROUP BY p.id, pr.amount, p.list_price, pl.currency_code`,
            [p.id, rng.int(1, 5)],
          )
        }
        await db.q('SELECT sum(on_hand - reserved) AS available FROM stock_levels WHERE product_id = ?', [p.id])
        if (rng.chance(0.3)) await db.q('SELECT id, code, name, rules FROM promotions WHERE starts_at <= now() AND ends_at > now()')
      }
      return
    }
    case 'listing': {
      if (ctx.pg && rng.chance(0.2)) {
        await db.q(
          `SELECT product_id, sku, title, category, price, best_percent_off, available_units
  FROM v_product_listing
 WHERE category = ?
 ORDER BY title
 LIMIT 24`,
          [rng.pick(CATEGORY_NAMES)],
        )
      } else {
        await db.q(
          `SELECT p.id, p.sku, p.name, p.list_price
  FROM products p
 WHERE p.category_id = ? AND p.status = 'active'
 ORDER BY p.name
 LIMIT 24 OFFSET ${24 * rng.int(0, 1)}`,
          [rng.int(7, 24)],
        )
      }
      return
    }
    case 'search': {
      await db.lit(
        `SELECT p.id, p.sku, p.name
  FROM products p
  JOIN product_tags t ON t.product_id = p.id
 WHERE t.tag = ${v(rng.pick(TAGS))} AND p.status = 'active'
 ORDER BY p.id
 LIMIT 20`,
      )
      return
    }
    case 'categories': {
      await db.q("SELECT id, parent_id, slug, name FROM categories WHERE active_flag = 'Y' ORDER BY sort_order, id")
      return
    }
    case 'edit': {
      const p = rng.pick(slice(pools.activeProducts, (x) => x.id, ctx.worker, 3))
      // Legacy habit 3: Catalog checks the editor's permission by joining RBAC's tables itself.
      if (rng.chance(0.5)) await checkPermission(ctx, rng.int(2, 40), 1, 'catalog.edit')
      await db.q('UPDATE products SET name = ?, updated_at = now() WHERE id = ?', [`${p.name.split(' (')[0]!} (${rng.pick(['2026', 'new', 'v2'])})`.slice(0, 200), p.id])
      await db.q("UPDATE product_descriptions SET short_text = ?, updated_at = now() WHERE product_id = ? AND locale = 'en-GB'", [
        `Built to last: ${p.name.toLowerCase()}, now ${rng.pick(['lighter', 'tougher', 'greener'])}.`,
        p.id,
      ])
      return
    }
    case 'tags': {
      const p = rng.pick(slice(pools.activeProducts, (x) => x.id, ctx.worker, 3))
      const tag = rng.pick(TAGS)
      if (rng.chance(0.6)) await db.q(d.insertIgnore('product_tags', 'product_id, tag', '(?, ?)', 'product_id, tag'), [p.id, tag])
      else await db.q('DELETE FROM product_tags WHERE product_id = ? AND tag = ?', [p.id, tag])
      return
    }
    case 'create': {
      const code = ctx.uniq()
      await db.begin()
      const id = await db.insertId(
        `INSERT INTO products (sku, name, category_id, product_type, status, list_price, weight_grams)\nVALUES (?, ?, ?, 'physical', 'draft', ?, ?)`,
        [`NEW-${code}`, `Prototype ${code}`, rng.int(7, 18), rng.money(990, 19900), rng.int(100, 5000)],
      )
      await db.q("INSERT INTO product_descriptions (product_id, locale, title, short_text)\nVALUES (?, 'en-GB', ?, ?)", [id, `Prototype ${code}`, 'Coming soon.'])
      await db.q("INSERT INTO product_tags (product_id, tag) VALUES (?, 'new')", [id])
      await db.commit()
      return
    }
    case 'priceImport': {
      // The bulk editor writes Pricing's rules ("catalog-import").
      const mine = slice(pools.activeProducts, (x) => x.id, 2 + ctx.worker, 6)
      const p = rng.pick(mine)
      const list = rng.int(1, 5)
      await db.begin()
      await db.q('UPDATE price_rules SET valid_to = now()\n WHERE price_list_id = ? AND product_id = ? AND valid_to IS NULL AND valid_from < now()', [list, p.id])
      await db.q(
        `INSERT INTO price_rules (price_list_id, product_id, amount, min_quantity, priority, valid_from, created_by)\nVALUES (?, ?, ?, 1, 0, now(), 'catalog-import')`,
        [list, p.id, cents(Math.round(p.listCents * (1 + rng.int(3, 12) / 100)))],
      )
      await db.commit()
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// pricing-service
// ---------------------------------------------------------------------------------------------

async function pricingStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, pools, d} = ctx
  if (iteration === 7) {
    const [country, klass, rate] = ctx.worker === 0 ? ['DE', 'digital', '19.00'] : ['FR', 'digital', '20.00']
    await db.lit(d.insertIgnore('tax_rates', 'country_code, tax_class, rate_pct, valid_from', `(${v(country!)}, ${v(klass!)}, ${rate}, '2027-01-01')`, 'country_code, tax_class, valid_from'))
    return
  }
  const op = rng.weighted({quote: 30, lists: 5, link: 6, rule: 5, discount: 2, promo: 5})
  const orders = ctx.memo('orders', () => slice(pools.orders, (o) => o.id, orderSlice(ctx.worker === 0 ? 'pricing-service#0' : 'pricing-service#1'), 10))
  switch (op) {
    case 'quote': {
      const items = rng.sample(pools.activeProducts, 3)
      const tenant = rng.int(1, 20)
      await db.q(
        `SELECT pr.product_id, pr.amount, pr.min_quantity, pr.priority, pl.currency_code
  FROM price_rules pr
  JOIN price_lists pl ON pl.id = pr.price_list_id
 WHERE pr.product_id IN (?, ?, ?)
   AND pl.is_active AND (pl.tenant_id IS NULL OR pl.tenant_id = ?)
   AND pr.valid_from <= now() AND (pr.valid_to IS NULL OR pr.valid_to > now())
 ORDER BY pr.product_id, pr.priority DESC`,
        [items[0]!.id, items[1]!.id, items[2]!.id, tenant],
      )
      await db.q(
        `SELECT id, percent_off, amount_off
  FROM discounts
 WHERE (product_id = ? OR category_id = ?)
   AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())`,
        [items[0]!.id, items[0]!.category],
      )
      // Falls back to Catalog's legacy price column.
      if (rng.chance(0.4)) await db.q('SELECT id, list_price, category_id FROM products WHERE id IN (?, ?, ?)', [items[0]!.id, items[1]!.id, items[2]!.id])
      const country = rng.pick(['DE', 'FR', 'NL', 'GB', 'SE', 'US'])
      await db.q(
        `SELECT rate_pct FROM tax_rates
 WHERE country_code = ? AND tax_class = 'standard'
   AND valid_from <= current_date AND (valid_to IS NULL OR valid_to >= current_date)`,
        [country],
      )
      if (rng.chance(0.3)) await db.q("SELECT rate FROM exchange_rates WHERE base_currency = 'EUR' AND quote_currency = ? ORDER BY rate_date DESC LIMIT 1", [rng.pick(['GBP', 'USD', 'CHF', 'SEK'])])
      const net = items.reduce((s, p) => s + Math.round(p.listCents * 1.05), 0)
      await db.q(
        `INSERT INTO pricing_snapshots (quote_ref, tenant_id, currency_code, net_total, tax_total, breakdown)\nVALUES (?, ?, 'EUR', ?, ?, ?)`,
        [rng.uuid(), tenant, cents(net), cents(Math.round(net * 0.19)), JSON.stringify({lines: items.length, price_lists: [1], products: items.map((p) => p.id)})],
      )
      return
    }
    case 'lists': {
      await db.q('SELECT id, code, name, currency_code FROM price_lists WHERE is_active AND (tenant_id IS NULL OR tenant_id = ?) ORDER BY id', [rng.int(1, 20)])
      return
    }
    case 'link': {
      // Reads Orders' table to fill in pricing_snapshots.order_id.
      const withQuote = orders.filter((o) => o.quoteRef !== null)
      const o = ctx.cursor('link', withQuote).next()
      await db.q('SELECT id, tenant_id, grand_total FROM orders WHERE pricing_quote_ref = ?', [o.quoteRef])
      await db.q('UPDATE pricing_snapshots SET order_id = ? WHERE quote_ref = ? AND order_id IS NULL', [o.id, o.quoteRef])
      return
    }
    case 'rule': {
      const p = rng.pick(slice(pools.activeProducts, (x) => x.id, ctx.worker, 6))
      const list = rng.int(1, 5)
      await db.begin()
      await db.q('UPDATE price_rules SET valid_to = now()\n WHERE price_list_id = ? AND product_id = ? AND valid_to IS NULL AND valid_from < now()', [list, p.id])
      await db.q(
        `INSERT INTO price_rules (price_list_id, product_id, amount, min_quantity, priority, valid_from, created_by)\nVALUES (?, ?, ?, 1, 0, now(), 'pricing')`,
        [list, p.id, cents(Math.round(p.listCents * (1 + rng.int(0, 10) / 100)))],
      )
      await db.commit()
      return
    }
    case 'discount': {
      if (rng.chance(0.5)) {
        await db.q(
          `INSERT INTO discounts (code, description, percent_off, product_id, valid_from, valid_to)\nVALUES (?, ?, ?, ?, now(), now() + ${d.iv(14, 'day')})`,
          [`DSC-${ctx.uniq()}`, 'Flash sale', rng.pick([5, 10, 15, 20]), rng.pick(pools.activeProducts).id],
        )
      } else {
        await db.q('UPDATE discounts SET valid_to = now() WHERE id = ? AND valid_to IS NULL', [rng.pick(slice(pools.discounts, (x) => x, ctx.worker, 2))])
      }
      return
    }
    case 'promo': {
      const promotion = rng.pick(pools.promotions)
      await db.q('SELECT id, code, rules, budget_amount, max_redemptions FROM promotions WHERE id = ?', [promotion])
      if (rng.chance(0.5)) {
        const o = ctx.cursor('redeem', orders.filter((x) => x.id % 15 !== 0)).next()
        const amount = rng.money(100, 1500)
        await db.q(
          d.insertIgnore('promotion_redemptions', 'promotion_id, order_id, user_id, discount_amount', '(?, ?, ?, ?)', 'promotion_id, order_id'),
          [promotion, o.id, o.cust, amount],
        )
        await db.q('UPDATE promotions SET budget_amount = budget_amount - ? WHERE id = ?', [amount, promotion])
      }
      return
    }
  }
}

// ---------------------------------------------------------------------------------------------
// availability-service
// ---------------------------------------------------------------------------------------------

async function availabilityStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, pools, d} = ctx
  if (iteration === ctx.at(0.6) && ctx.worker === 0) {
    await db.q('UPDATE stock_locations SET name = ? WHERE id = ?', ['Lyon store, workshop & pick-up', 5])
    return
  }
  const op = rng.weighted({check: 22, sync: 34, restock: 7, slots: 10, book: 8, confirm: 5, release: 4, locations: 2, lowStock: 2})
  const mySlots = ctx.memo('slots', () => slice(pools.slots, (s) => s.id, ctx.worker, 2))
  switch (op) {
    case 'check': {
      await db.q('SELECT location_id, on_hand, reserved FROM stock_levels WHERE product_id = ?', [rng.pick(pools.physical).id])
      return
    }
    case 'sync': {
      // The warehouse feed: lock the row, write the counted stock.
      const s = rng.pick(pools.stock)
      await db.begin()
      await db.q('SELECT id, on_hand, reserved FROM stock_levels WHERE id = ? FOR UPDATE', [s.id])
      await db.q('UPDATE stock_levels SET on_hand = ?, updated_at = now() WHERE id = ?', [rng.int(20, 400), s.id])
      await db.commit()
      return
    }
    case 'restock': {
      const s = rng.pick(pools.stock)
      await db.lit(`UPDATE stock_levels SET on_hand = on_hand + ${rng.int(6, 48)}, updated_at = now()\n WHERE product_id = ${s.product} AND location_id = ${s.location}`)
      return
    }
    case 'slots': {
      await db.q(
        `SELECT id, starts_at, ends_at, seats, seats_taken
  FROM time_slots
 WHERE product_id = ?
 ORDER BY starts_at DESC
 LIMIT 10`,
        [rng.pick(pools.services).id],
      )
      return
    }
    case 'book': {
      const slot = rng.pick(mySlots)
      await db.begin()
      await db.q('SELECT id, seats, seats_taken FROM time_slots WHERE id = ? FOR UPDATE', [slot.id])
      await db.q('UPDATE time_slots SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken < seats', [slot.id])
      const id = await db.insertId(`INSERT INTO slot_reservations (slot_id, user_id, status, held_until)\nVALUES (?, ?, 'held', now() + ${d.iv(30, 'minute')})`, [
        slot.id,
        rng.pick(pools.customers).id,
      ])
      await db.commit()
      held(ctx).push(id)
      return
    }
    case 'confirm': {
      // The customer paid for a seat this worker held earlier.
      const id = held(ctx).shift()
      if (id === undefined) {
        await db.q("SELECT id, slot_id, held_until FROM slot_reservations WHERE slot_id = ? AND status = 'held'", [rng.pick(mySlots).id])
        return
      }
      await db.q("UPDATE slot_reservations SET status = 'confirmed', held_until = NULL WHERE id = ? AND status = 'held'", [id])
      return
    }
    case 'release': {
      const slot = rng.pick(mySlots)
      await db.q("UPDATE slot_reservations SET status = 'released'\n WHERE slot_id = ? AND status = 'held' AND held_until < now()", [slot.id])
      await db.q('UPDATE time_slots SET seats_taken = greatest(seats_taken - 1, 0) WHERE id = ?', [slot.id])
      return
    }
    case 'locations': {
      await db.q('SELECT id, code, name, country_code FROM stock_locations WHERE is_active ORDER BY id')
      return
    }
    case 'lowStock': {
      await db.lit(`SELECT s.product_id, p.sku, l.code AS location, s.on_hand, s.reorder_point
  FROM stock_levels s
  JOIN stock_locations l ON l.id = s.location_id
  JOIN products p ON p.id = s.product_id
 WHERE s.on_hand < s.reorder_point
 ORDER BY s.on_hand
 LIMIT 50`)
      return
    }
  }
}

const heldSeats = new WeakMap<Ctx, Id[]>()
function held(ctx: Ctx): Id[] {
  let list = heldSeats.get(ctx)
  if (!list) heldSeats.set(ctx, (list = []))
  return list
}

// ---------------------------------------------------------------------------------------------
// orders-service
// ---------------------------------------------------------------------------------------------

interface Line {
  product: ProductRow
  qty: number
  unit: number
  discount: number
  stock?: StockRow
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex')
}

async function checkout(ctx: Ctx, cart: Id, user: {id: number; tenant: number; country: string}, lines: Line[]): Promise<void> {
  const {db, rng, pools, d} = ctx
  // Legacy habit 3: may this user order? Asked of RBAC's tables directly.
  if (rng.chance(0.3)) await checkPermission(ctx, user.id, user.tenant, 'orders.create')
  const subtotal = lines.reduce((s, l) => s + l.qty * l.unit, 0)
  const discount = lines.reduce((s, l) => s + l.discount, 0)
  const tax = Math.round((subtotal - discount) * 0.19)
  const orderNo = `HS-${ctx.uniq()}`
  const stock = lines.filter((l) => l.stock).sort((a, b) => a.stock!.id - b.stock!.id)
  await db.begin()
  if (stock.length) {
    await db.q(`SELECT id, on_hand, reserved FROM stock_levels WHERE id IN (${stock.map(() => '?').join(', ')}) ORDER BY id FOR UPDATE`, stock.map((l) => l.stock!.id))
  }
  const order = await db.insertId(
    `INSERT INTO orders (order_no, tenant_id, cust_id, cart_id, status, currency_code, ship_country,
                    subtotal, discount_total, tax_total, grand_total, pricing_quote_ref)
VALUES (?, ?, ?, ?, 'pending', 'EUR', ?, ?, ?, ?, ?, ?)`,
    [orderNo, user.tenant, user.id, cart, user.country, cents(subtotal), cents(discount), cents(tax), cents(subtotal - discount + tax), rng.uuid()],
  )
  for (const [i, l] of lines.entries()) {
    await db.q(
      `INSERT INTO order_lines (order_id, line_no, product_id, sku, description, quantity, unit_price, discount_amount)\nVALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [order, i + 1, l.product.id, l.product.sku, l.product.name, l.qty, cents(l.unit), cents(l.discount)],
    )
  }
  await db.q("INSERT INTO order_status_history (order_id, from_status, to_status, changed_by)\nVALUES (?, NULL, 'pending', 'orders')", [order])
  // Orders reserves the stock and the workshop seats itself.
  for (const l of stock) await db.q('UPDATE stock_levels SET reserved = reserved + ?, updated_at = now() WHERE id = ?', [l.qty, l.stock!.id])
  for (const l of lines.filter((x) => x.product.type === 'service')) {
    const slot = rng.pick(pools.slotsByProduct.get(l.product.id)!)
    await db.q(`INSERT INTO slot_reservations (slot_id, user_id, order_id, status, held_until)\nVALUES (?, ?, ?, 'held', now() + ${d.iv(24, 'hour')})`, [slot.id, user.id, order])
  }
  await db.q("UPDATE carts SET status = 'converted', updated_at = now() WHERE id = ?", [cart])
  if (rng.chance(0.05)) {
    // The card authorization failed: nothing of the order stays.
    await db.rollback()
    return
  }
  await db.commit()
  if (rng.chance(0.8)) {
    const snapshot = JSON.stringify({order_no: orderNo, currency: 'EUR', lines: lines.map((l) => ({sku: l.product.sku, qty: l.qty, unit_price: cents(l.unit)}))})
    await db.begin()
    await db.q("UPDATE orders SET status = 'confirmed' WHERE id = ? AND status = 'pending'", [order])
    await db.q("INSERT INTO order_status_history (order_id, from_status, to_status, changed_by)\nVALUES (?, 'pending', 'confirmed', 'orders')", [order])
    await db.q('INSERT INTO order_snapshots (order_id, confirmed_at, snapshot, snapshot_hash)\nVALUES (?, now(), ?, ?)', [order, snapshot, md5(snapshot)])
    await db.commit()
  }
  if (rng.chance(0.1)) {
    // Paid partly from the wallet: the ledger row is written here, the balance is not touched.
    const wallet = rng.pick(slice(pools.wallets, (w) => w.id, 3, 4))
    await db.q(
      `INSERT INTO wallet_transactions (wallet_id, kind, amount, order_id, note, created_by)\nVALUES (?, 'spend', ?, ?, ?, 'orders')`,
      [wallet.id, cents(-Math.min(2500, subtotal)), order, `Order ${orderNo}`],
    )
  }
  if (rng.chance(0.2)) await writeAudit(ctx, {tenant: user.tenant, user: user.id, action: 'order.create', resourceType: 'orders', resourceId: order, source: 'orders'})
}

function drawLines(ctx: Ctx): Line[] {
  const {rng, pools} = ctx
  const count = rng.int(1, 3)
  const lines: Line[] = []
  const seen = new Set<number>()
  while (lines.length < count) {
    const r = rng.next()
    const p = r < 0.72 ? rng.pick(pools.physical) : r < 0.85 ? rng.pick(pools.services) : rng.pick(pools.activeProducts)
    if (seen.has(p.id) || (p.type === 'physical' && !pools.stockByProduct.has(p.id)) || (p.type === 'service' && !pools.slotsByProduct.has(p.id))) continue
    seen.add(p.id)
    const qty = p.type === 'physical' ? rng.int(1, 3) : 1
    const unit = Math.round(p.listCents * 1.05)
    const discount = rng.chance(0.1) ? Math.round(qty * unit * 0.1) : 0
    lines.push({product: p, qty, unit, discount, stock: p.type === 'physical' ? rng.pick(pools.stockByProduct.get(p.id)!) : undefined})
  }
  return lines
}

async function ordersStep(ctx: Ctx): Promise<void> {
  const {db, rng, pools} = ctx
  const mine = ctx.memo('orders', () => slice(pools.orders, (o) => o.id, orderSlice(ctx.worker === 0 ? 'orders-service#0' : 'orders-service#1'), 10))
  const op = rng.weighted({shop: 26, history: 20, detail: 10, cancel: 4, latePaid: 4, reference: 3})
  switch (op) {
    case 'shop': {
      const u = rng.pick(pools.customers)
      const cart = await db.insertId('INSERT INTO carts (tenant_id, user_id, session_ref, currency_code) VALUES (?, ?, ?, ?)', [u.tenant, u.id, `web-${rng.hex(16)}`, 'EUR'])
      const lines = drawLines(ctx)
      for (const l of lines) await db.q('INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, ?)', [cart, l.product.id, l.qty])
      await db.q(
        `SELECT ci.product_id, ci.quantity, p.sku, p.name
  FROM cart_items ci
  JOIN products p ON p.id = ci.product_id
 WHERE ci.cart_id = ?`,
        [cart],
      )
      if (rng.chance(0.65)) await checkout(ctx, cart, u, lines)
      else if (rng.chance(0.3)) await db.q("UPDATE carts SET status = 'abandoned', updated_at = now() WHERE id = ?", [cart])
      return
    }
    case 'history': {
      const o = rng.pick(pools.orders)
      await db.q('SELECT id, order_no, status, grand_total, placed_at FROM orders WHERE cust_id = ? ORDER BY placed_at DESC LIMIT 20', [o.cust])
      await db.q('SELECT line_no, sku, quantity, unit_price, line_total FROM order_lines WHERE order_id = ? ORDER BY line_no', [o.id])
      return
    }
    case 'detail': {
      const o = rng.pick(pools.orders)
      await db.q(
        `SELECT o.id, o.order_no, o.status, o.grand_total, o.currency_code,
       ol.line_no, ol.sku, ol.quantity, ol.line_total,
       h.to_status, h.changed_at
  FROM orders o
  JOIN order_lines ol ON ol.order_id = o.id
  LEFT JOIN order_status_history h ON h.order_id = o.id
 WHERE o.id = ?
 ORDER BY ol.line_no, h.changed_at`,
        [o.id],
      )
      if (rng.chance(0.25)) {
        await db.q(
          `SELECT p.status, p.amount, i.invoice_no, i.status AS invoice_status
  FROM payments p
  LEFT JOIN invoices i ON i.id = p.invoice_id
 WHERE p.order_id = ?`,
          [o.id],
        )
      }
      return
    }
    case 'cancel': {
      const o = ctx.cursor('cancel', mine.filter((x) => x.status === 'pending')).next()
      if (rng.chance(0.5)) await checkPermission(ctx, o.cust, o.tenant, 'orders.cancel')
      await db.begin()
      await db.q('SELECT id, status FROM orders WHERE id = ? FOR UPDATE', [o.id])
      await db.q("UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = ? AND status = 'pending'", [o.id])
      await db.q(
        "INSERT INTO order_status_history (order_id, from_status, to_status, changed_by, reason)\nVALUES (?, 'pending', 'cancelled', 'orders', 'customer request')",
        [o.id],
      )
      await db.commit()
      return
    }
    case 'latePaid': {
      // Legacy habit 5: the gateway callback is late, so Orders marks the payment records itself,
      // in the same transaction as its own status change.
      const o = ctx.cursor('late', mine.filter((x) => x.status === 'confirmed')).next()
      await db.begin()
      await db.q("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = ? AND status = 'confirmed'", [o.id])
      await db.q(
        "INSERT INTO order_status_history (order_id, from_status, to_status, changed_by, reason)\nVALUES (?, 'confirmed', 'paid', 'orders', 'gateway callback late')",
        [o.id],
      )
      await db.q("UPDATE payments SET status = 'captured', captured_at = now(), updated_at = now()\n WHERE order_id = ? AND status = 'authorized'", [o.id])
      await db.q(
        `UPDATE gateway_transactions SET status = 'succeeded', settled_at = now(), last_writer = 'orders'
 WHERE payment_id IN (SELECT id FROM payments WHERE order_id = ?)`,
        [o.id],
      )
      await db.commit()
      return
    }
    case 'reference': {
      await db.q('SELECT code, symbol, minor_units FROM currencies WHERE is_active ORDER BY code')
      if (rng.chance(0.5)) await db.q('SELECT code, name FROM countries ORDER BY name')
      return
    }
  }
}

/** orders-service's storefront API: a framework that tags every query, under a generic login. */
async function ordersTaggedStep(ctx: Ctx, iteration: number): Promise<void> {
  const {db, rng, pools, d} = ctx
  const state = cartState(ctx)
  if (state.cart === null || iteration % 8 === 0) {
    const u = rng.pick(pools.customers)
    db.route = '/cart'
    state.cart = await db.insertId('INSERT INTO carts (tenant_id, user_id, session_ref, currency_code) VALUES (?, ?, ?, ?)', [u.tenant, u.id, `api-${rng.hex(16)}`, 'EUR'])
  }
  const op = rng.weighted({viewCart: 30, addItem: 20, orderLookup: 25, track: 15})
  switch (op) {
    case 'viewCart': {
      db.route = '/cart'
      await db.q(
        `SELECT ci.product_id, ci.quantity, p.name, p.list_price
  FROM cart_items ci
  JOIN products p ON p.id = ci.product_id
 WHERE ci.cart_id = ?`,
        [state.cart],
      )
      return
    }
    case 'addItem': {
      db.route = '/cart/items'
      const params: Param[] = [state.cart, rng.pick(pools.physical).id, rng.int(1, 2)]
      await db.q(
        ctx.pg
          ? 'INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, ?)\nON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity'
          : 'INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, ?)\nON DUPLICATE KEY UPDATE quantity = quantity + VALUES(quantity)',
        params,
      )
      return
    }
    case 'orderLookup': {
      db.route = '/orders/:orderNo'
      const o = rng.pick(pools.orders)
      await db.lit(`SELECT id, status, grand_total, currency_code, placed_at FROM orders WHERE order_no = ${v(o.orderNo)}`)
      return
    }
    case 'track': {
      db.route = '/orders/:id/track'
      const o = rng.pick(pools.orders)
      await db.q(`SELECT to_status, changed_at, changed_by FROM order_status_history WHERE order_id = ? AND changed_at > now() - ${d.iv(900, 'day')} ORDER BY changed_at`, [o.id])
      return
    }
  }
}

const carts = new WeakMap<Ctx, {cart: Id | null}>()
function cartState(ctx: Ctx): {cart: Id | null} {
  let s = carts.get(ctx)
  if (!s) carts.set(ctx, (s = {cart: null}))
  return s
}

export function commerceWorkers(): WorkerSpec[] {
  const out: WorkerSpec[] = []
  for (let w = 0; w < 3; w++) out.push({service: 'catalog-service', worker: w, code: 'ca', user: 'catalog_svc', application: 'catalog-service', mysqlParams: w === 2 ? 'interpolated' : 'prepared', iterations: 230, step: (c) => catalogStep(c)})
  for (let w = 0; w < 2; w++) out.push({service: 'pricing-service', worker: w, code: 'pr', user: 'pricing_svc', application: 'pricing-service', iterations: 125, step: pricingStep})
  for (let w = 0; w < 2; w++) out.push({service: 'availability-service', worker: w, code: 'av', user: 'availability_svc', application: 'availability-service', iterations: 240, step: availabilityStep})
  for (let w = 0; w < 2; w++) out.push({service: 'orders-service', worker: w, code: 'or', user: 'orders_svc', application: 'orders-service', iterations: 155, step: (c) => ordersStep(c)})
  out.push({service: 'orders-service', worker: 2, code: 'ot', user: 'hp_app', application: 'node-postgres', tagApplication: 'orders-service', iterations: 125, step: ordersTaggedStep})
  return out
}
