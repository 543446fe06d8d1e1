import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../../server/plugins/auth.js';

describe('return path after log-in (no open redirect)', () => {
  it.each(['/compte', '/offres?q=ski&page=2', '/entreprises/brasserie-des-ducs'])('keeps the same-site path %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', 'compte', '/ok\r\nSet-Cookie: x=1', '', 42, undefined, `/${'a'.repeat(600)}`])(
    'refuses %j',
    (value) => {
      expect(safeReturnPath(value)).toBeUndefined();
    },
  );
});
