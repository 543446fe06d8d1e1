import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { TenantConfigError } from './tenancy/tenant-config.js';

/** An operator mistake (bad argument, refused action): printed as a sentence, without a stack. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Runs a CLI body: prefixed output, operator mistakes printed without a stack, exit code 1 on failure. */
export async function runScript(body: (say: (message: string) => void) => Promise<void>): Promise<void> {
  const say = (message: string) => console.log(`[cordée] ${message}`);
  try {
    await body(say);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TenantConfigError || error instanceof CliError) console.error(`[cordée] ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  }
}

/** `--tenant <slug>` (or `--tenant=<slug>`) from the script's arguments; anything else is a usage error. */
export function tenantOption(usage: string): string | undefined {
  try {
    return parseArgs({ args: process.argv.slice(2), options: { tenant: { type: 'string' } }, strict: true }).values.tenant;
  } catch {
    throw new CliError(usage);
  }
}
