import type Stripe from 'stripe';
import type { Tenant } from '../../tenancy/registry.js';
import { priceLookupKey } from './service.js';
import { billingGrid } from './standing.js';

export interface SyncReport {
  productsCreated: number;
  productsUpdated: number;
  pricesCreated: number;
  pricesDeactivated: number;
}

/** Stripe product id of a tier: our own, stable id (Stripe accepts custom product ids), so a rerun finds it. */
export const productId = (tenantId: string, tierCode: string) => `cordee_${tenantId}_${tierCode}`.replace(/[^A-Za-z0-9_]/g, '_');

const isMissing = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/**
 * Creates or updates one Stripe Product per tier and one yearly recurring Price per (tier, amount),
 * idempotently: products by their fixed id, prices by lookup key `cordee:<tenant>:<tier>:<amount>`
 * (a new amount in tenant.json is a new key, hence a new Price; the product's other prices are
 * deactivated, existing subscriptions keep theirs until renewal). Every write carries an idempotency key.
 */
export async function syncStripeCatalogue(client: Stripe, tenant: Tenant, say: (message: string) => void = () => {}): Promise<SyncReport> {
  const grid = billingGrid(tenant);
  if (!grid) throw new Error(`Le site ${tenant.id} ne facture pas d’adhésion (membership.mode « free » ou features.billing désactivé)`);
  const report: SyncReport = { productsCreated: 0, productsUpdated: 0, pricesCreated: 0, pricesDeactivated: 0 };
  for (const tier of grid.tiers) {
    const id = productId(tenant.id, tier.code);
    const name = `${tenant.config.name} — adhésion ${tier.label}`;
    const metadata = { tenant_id: tenant.id, tier_code: tier.code };
    let product: Stripe.Product | undefined;
    try {
      product = await client.products.retrieve(id);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    if (!product) {
      await client.products.create({ id, name, metadata }, { idempotencyKey: `product:${id}` });
      report.productsCreated += 1;
      say(`produit créé : ${id}`);
    } else if (product.name !== name || product.metadata?.tier_code !== tier.code || !product.active) {
      await client.products.update(id, { name, metadata, active: true });
      report.productsUpdated += 1;
      say(`produit mis à jour : ${id}`);
    }

    const key = priceLookupKey(tenant.id, tier.code, tier.yearlyPriceCents);
    const existing = await client.prices.list({ lookup_keys: [key], active: true, limit: 1 });
    if (existing.data.length === 0) {
      await client.prices.create(
        {
          product: id,
          currency: grid.currency.toLowerCase(),
          unit_amount: tier.yearlyPriceCents,
          recurring: { interval: 'year' },
          lookup_key: key,
          transfer_lookup_key: true,
          metadata,
        },
        { idempotencyKey: `price:${key}` },
      );
      report.pricesCreated += 1;
      say(`prix créé : ${key}`);
    }
    const others = await client.prices.list({ product: id, active: true, limit: 100 });
    for (const price of others.data) {
      if (price.lookup_key === key) continue;
      await client.prices.update(price.id, { active: false });
      report.pricesDeactivated += 1;
      say(`prix désactivé : ${price.id}`);
    }
  }
  return report;
}
