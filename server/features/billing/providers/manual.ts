import type { BillingProvider } from './port.js';

/** No online payment: the company pays by bank transfer or administrative mandate, the tenant admin records it. */
export const manualProvider: BillingProvider = { kind: 'manual' };
