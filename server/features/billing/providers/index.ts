import type { BillingConfig } from '../../../config.js';
import { manualProvider } from './manual.js';
import type { BillingProvider } from './port.js';
import { createStripeProvider } from './stripe.js';

export type { BillingProvider } from './port.js';

/** The one place that chooses the payment adapter: Stripe when both keys are configured, else manual. */
export function createBillingProvider(config: BillingConfig): BillingProvider {
  return config.provider === 'stripe' ? createStripeProvider(config) : manualProvider;
}
