import { describe, expect, it } from 'vitest';
import { AlertTokens } from '../../../server/features/alerts/tokens.js';
import { buildFilter } from '../../../server/features/search/engines/meilisearch.js';

const ID = '0b6c6a8e-4d0f-4d69-9d55-6d7b0f0a1c2e';

describe('alert link tokens', () => {
  const tokens = new AlertTokens('a-test-secret-that-is-long-enough-0123456789');

  it('verify for the same tenant and purpose only', () => {
    const token = tokens.sign('montagne', ID, 'unsubscribe');
    expect(tokens.verify('montagne', token, 'unsubscribe')).toBe(ID);
    expect(tokens.verify('dijon', token, 'unsubscribe')).toBeUndefined();
    expect(tokens.verify('montagne', token, 'confirm')).toBeUndefined();
    expect(tokens.verify('montagne', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), 'unsubscribe')).toBeUndefined();
    expect(new AlertTokens('another-secret-of-the-same-length-0123456789').verify('montagne', token, 'unsubscribe')).toBeUndefined();
    for (const junk of [undefined, 42, '', 'x.y', `${ID}.`]) expect(tokens.verify('montagne', junk, 'unsubscribe')).toBeUndefined();
  });
});

describe('digest windows in the Meilisearch filter', () => {
  it('bounds publishedAt to [after, before) in whole seconds, beside the tenant filter', () => {
    const filter = buildFilter(
      { tenantId: 'montagne', filters: {}, sort: 'date', page: 1, perPage: 20, publishedAfter: new Date('2026-01-01T00:00:00.900Z'), publishedBefore: new Date('2026-01-08T00:00:00.900Z') },
      new Date('2026-01-08T00:00:01Z'),
    );
    expect(filter[0]).toBe('tenantId = "montagne"');
    expect(filter).toContain(`publishedAt >= ${Date.parse('2026-01-01T00:00:00Z') / 1000}`);
    expect(filter).toContain(`publishedAt < ${Date.parse('2026-01-08T00:00:00Z') / 1000}`);
  });
});
