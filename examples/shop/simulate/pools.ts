/**
 * Ids the services work on, read once from the freshly seeded database (before any service
 * traffic, with statement logging off). The seed is deterministic, so the pools are too.
 *
 * Rows that a service locks or rewrites inside a multi-statement transaction are split into
 * slices, one per worker, so two transactions never wait on each other in opposite orders
 * (no deadlocks) and every worker's statements stay the same from run to run.
 */
import type pg from 'pg'

export interface UserRow {
  id: number
  email: string
  tenant: number
  status: string
  country: string
  /** The user's card payment method, when the user has one. */
  card: number | null
}
export interface ProductRow {
  id: number
  sku: string
  name: string
  type: string
  status: string
  category: number
  /** products.list_price in cents. */
  listCents: number
}
export interface StockRow {
  id: number
  product: number
  location: number
}
export interface OrderRow {
  id: number
  orderNo: string
  status: string
  cust: number
  tenant: number
  currency: string
  grandTotal: string
  quoteRef: string | null
}
export interface PaymentRow {
  id: number
  order: number
  invoice: number | null
  status: string
  amount: string
  currency: string
}
export interface InvoiceRow {
  id: number
  order: number
  tenant: number
  status: string
  gross: string
}
export interface GatewayRow {
  id: number
  gateway: string
  ref: string
  payment: number
}
export interface WalletRow {
  id: number
  user: number
  tenant: number
  currency: string
}
export interface SubscriptionRow {
  id: number
  user: number
  tenant: number
  plan: number
  status: string
}
export interface EntitlementRow {
  id: number
  user: number
  feature: string
}
export interface SessionRow {
  id: string
  user: number
}
export interface RefreshRow {
  id: number
  session: string
  user: number
  hash: string
}
export interface TokenRow {
  id: number
  hash: string
}
export interface AssignmentRow {
  id: number
  tenant: number
  user: number
}
export interface PriceRuleRow {
  id: number
  list: number
  product: number
}
export interface AttributeRow {
  user: number
  key: string
  tenant: number | null
}
export interface SlotRow {
  id: number
  product: number
}

export interface Pools {
  users: UserRow[]
  /** Active users (status 'active'): the ones who log in, shop and pay. */
  customers: UserRow[]
  products: ProductRow[]
  activeProducts: ProductRow[]
  physical: ProductRow[]
  services: ProductRow[]
  stock: StockRow[]
  stockByProduct: Map<number, StockRow[]>
  slots: SlotRow[]
  slotsByProduct: Map<number, SlotRow[]>
  orders: OrderRow[]
  payments: PaymentRow[]
  invoices: InvoiceRow[]
  gateway: GatewayRow[]
  wallets: WalletRow[]
  subscriptions: SubscriptionRow[]
  entitlements: EntitlementRow[]
  sessions: SessionRow[]
  refreshTokens: RefreshRow[]
  apiTokens: TokenRow[]
  assignments: AssignmentRow[]
  openPriceRules: PriceRuleRow[]
  attributes: AttributeRow[]
  moduleAccess: number[]
  discounts: number[]
  promotions: number[]
  creditUsers: number[]
}

const num = (v: unknown): number => Number(v)
const str = (v: unknown): string => String(v)
const cents = (v: unknown): number => Math.round(Number(v) * 100)

export async function loadPools(client: pg.Client): Promise<Pools> {
  const rows = async (text: string) => (await client.query(text)).rows as Record<string, unknown>[]

  const users: UserRow[] = (
    await rows(`SELECT u.id, u.email, coalesce(u.primary_org_id, 1) AS tenant, u.status, p.country_code,
                       (SELECT min(pm.id) FROM payment_methods pm WHERE pm.user_id = u.id AND pm.method_type = 'card') AS card
                  FROM users u JOIN user_profiles p ON p.user_id = u.id ORDER BY u.id`)
  ).map((r) => ({id: num(r.id), email: str(r.email), tenant: num(r.tenant), status: str(r.status), country: str(r.country_code), card: r.card === null ? null : num(r.card)}))

  const products: ProductRow[] = (await rows('SELECT id, sku, name, product_type, status, category_id, list_price FROM products ORDER BY id')).map((r) => ({
    id: num(r.id), sku: str(r.sku), name: str(r.name), type: str(r.product_type), status: str(r.status), category: num(r.category_id), listCents: cents(r.list_price),
  }))
  const stock: StockRow[] = (await rows('SELECT id, product_id, location_id FROM stock_levels WHERE product_id <= 500 ORDER BY id')).map((r) => ({
    id: num(r.id), product: num(r.product_id), location: num(r.location_id),
  }))
  const stockByProduct = new Map<number, StockRow[]>()
  for (const s of stock) stockByProduct.set(s.product, [...(stockByProduct.get(s.product) ?? []), s])
  const slots: SlotRow[] = (await rows('SELECT id, product_id FROM time_slots ORDER BY id')).map((r) => ({id: num(r.id), product: num(r.product_id)}))
  const slotsByProduct = new Map<number, SlotRow[]>()
  for (const s of slots) slotsByProduct.set(s.product, [...(slotsByProduct.get(s.product) ?? []), s])
  const activeProducts = products.filter((p) => p.status === 'active')

  return {
    users,
    customers: users.filter((u) => u.status === 'active' && u.card !== null),
    products,
    activeProducts,
    physical: activeProducts.filter((p) => p.type === 'physical' && stockByProduct.has(p.id)),
    services: activeProducts.filter((p) => p.type === 'service' && slotsByProduct.has(p.id)),
    stock,
    stockByProduct,
    slots,
    slotsByProduct,
    orders: (await rows('SELECT id, order_no, status, cust_id, tenant_id, currency_code, grand_total, pricing_quote_ref FROM orders ORDER BY id')).map((r) => ({
      id: num(r.id), orderNo: str(r.order_no), status: str(r.status), cust: num(r.cust_id), tenant: num(r.tenant_id), currency: str(r.currency_code), grandTotal: str(r.grand_total),
      quoteRef: r.pricing_quote_ref === null ? null : str(r.pricing_quote_ref),
    })),
    payments: (await rows("SELECT id, order_id, invoice_id, status, amount, currency_code FROM payments WHERE purpose = 'order' AND order_id IS NOT NULL ORDER BY id")).map((r) => ({
      id: num(r.id), order: num(r.order_id), invoice: r.invoice_id === null ? null : num(r.invoice_id), status: str(r.status), amount: str(r.amount), currency: str(r.currency_code),
    })),
    invoices: (await rows('SELECT id, order_id, tenant_id, status, gross_amount FROM invoices WHERE order_id IS NOT NULL ORDER BY id')).map((r) => ({
      id: num(r.id), order: num(r.order_id), tenant: num(r.tenant_id), status: str(r.status), gross: str(r.gross_amount),
    })),
    gateway: (await rows("SELECT id, gateway, gateway_ref, payment_id FROM gateway_transactions WHERE txn_type = 'capture' ORDER BY id")).map((r) => ({
      id: num(r.id), gateway: str(r.gateway), ref: str(r.gateway_ref), payment: num(r.payment_id),
    })),
    wallets: (await rows("SELECT id, user_id, tenant_id, currency_code FROM wallets WHERE status = 'active' ORDER BY id")).map((r) => ({
      id: num(r.id), user: num(r.user_id), tenant: num(r.tenant_id), currency: str(r.currency_code),
    })),
    subscriptions: (await rows('SELECT id, user_id, tenant_id, plan_id, status FROM plan_subscriptions ORDER BY id')).map((r) => ({
      id: num(r.id), user: num(r.user_id), tenant: num(r.tenant_id), plan: num(r.plan_id), status: str(r.status),
    })),
    entitlements: (await rows('SELECT e.id, s.user_id, e.feature_code FROM entitlements e JOIN plan_subscriptions s ON s.id = e.subscription_id WHERE e.valid_to IS NULL ORDER BY e.id')).map((r) => ({
      id: num(r.id), user: num(r.user_id), feature: str(r.feature_code),
    })),
    sessions: (await rows('SELECT id, user_id FROM auth_sessions ORDER BY created_at, id')).map((r) => ({id: str(r.id), user: num(r.user_id)})),
    refreshTokens: (await rows('SELECT id, session_id, user_id, token_hash FROM refresh_tokens WHERE NOT revoked ORDER BY id')).map((r) => ({
      id: num(r.id), session: str(r.session_id), user: num(r.user_id), hash: str(r.token_hash),
    })),
    apiTokens: (await rows('SELECT id, token_hash FROM auth_tokens ORDER BY id')).map((r) => ({id: num(r.id), hash: str(r.token_hash)})),
    assignments: (await rows('SELECT id, tenant_id, user_id FROM user_role_assignments ORDER BY id')).map((r) => ({id: num(r.id), tenant: num(r.tenant_id), user: num(r.user_id)})),
    openPriceRules: (await rows('SELECT id, price_list_id, product_id FROM price_rules WHERE valid_to IS NULL ORDER BY id')).map((r) => ({
      id: num(r.id), list: num(r.price_list_id), product: num(r.product_id),
    })),
    attributes: (await rows("SELECT DISTINCT user_id, attr_key, tenant_id FROM user_attributes WHERE e_dt IS NULL OR e_dt = '9999-12-31' ORDER BY user_id, attr_key")).map((r) => ({
      user: num(r.user_id), key: str(r.attr_key), tenant: r.tenant_id === null ? null : num(r.tenant_id),
    })),
    moduleAccess: (await rows('SELECT id FROM module_access WHERE revoked_at IS NULL ORDER BY id')).map((r) => num(r.id)),
    discounts: (await rows('SELECT id FROM discounts ORDER BY id')).map((r) => num(r.id)),
    promotions: (await rows('SELECT id FROM promotions ORDER BY id')).map((r) => num(r.id)),
    creditUsers: (await rows('SELECT user_id FROM user_credentials WHERE is_current ORDER BY user_id')).map((r) => num(r.user_id)),
  }
}

/** The rows whose key falls in slice `index` of `count` (key modulo count). */
export function slice<T>(items: readonly T[], key: (t: T) => number, index: number, count: number): T[] {
  const out = items.filter((t) => key(t) % count === index)
  if (out.length === 0) throw new Error(`empty slice ${index}/${count}`)
  return out
}

/**
 * Seeded orders are split by id modulo 10 between the workers that update them (with their
 * payments and invoices) inside transactions.
 */
export const ORDER_SLICES = {
  'orders-service#0': 0,
  'orders-service#1': 1,
  'payments-service#0': 2,
  'payments-service#1': 3,
  'billing-service#0': 4,
  'billing-service#1': 5,
  'pricing-service#0': 6,
  'pricing-service#1': 7,
  'admin#0': 8,
  'payments-service#2': 9,
} as const

export function orderSlice(key: keyof typeof ORDER_SLICES): number {
  return ORDER_SLICES[key]
}
