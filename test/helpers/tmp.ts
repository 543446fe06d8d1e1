import { chmodSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * A fresh folder inside this run's temporary root (made by global-setup and removed at teardown), so
 * copied tenants and throw-away data directories never pile up in /tmp. Mode 755: as root, embedded
 * PostgreSQL runs as the `postgres` user, which must be able to enter it.
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(inject('tmpRoot'), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}
