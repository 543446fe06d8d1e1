/**
 * npm run billing:stripe-sync -- --tenant <slug> — creates or updates the tenant's Stripe products and
 * yearly prices from its tier grid (tenant.json), idempotently: run it after any change of the grid.
 * Needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (STRIPE_API_BASE to aim at stripe-mock).
 */
import { CliError, runScript, tenantOption } from '../server/cli.js';
import { loadScriptConfig } from '../server/config.js';
import { stripeClient } from '../server/features/billing/providers/stripe.js';
import { syncStripeCatalogue } from '../server/features/billing/stripe-sync.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';

const USAGE = 'usage : npm run billing:stripe-sync -- --tenant <slug>';

await runScript(async (say) => {
  const tenantId = tenantOption(USAGE);
  if (!tenantId) throw new CliError(USAGE);
  const config = loadScriptConfig();
  if (config.billing.provider !== 'stripe') throw new CliError('Stripe n’est pas configuré : définissez STRIPE_SECRET_KEY et STRIPE_WEBHOOK_SECRET');
  const registry = loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: false });
  const tenant = registry.get(tenantId);
  if (!tenant) throw new CliError(`Tenant inconnu : ${tenantId} (connus : ${registry.tenants.map((t) => t.id).join(', ')})`);
  try {
    const report = await syncStripeCatalogue(stripeClient(config.billing), tenant, say);
    say(`Stripe synchronisé pour ${tenant.id} : ${JSON.stringify(report)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Le site ')) throw new CliError(error.message);
    throw error;
  }
});
