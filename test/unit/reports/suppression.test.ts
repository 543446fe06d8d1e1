import { describe, expect, it } from 'vitest';
import { isSmall, publishableParts } from '../../../server/features/reports/suppression.js';

describe('statistical secrecy of the public page', () => {
  it('hides every count under 5, zero included', () => {
    expect([0, 1, 4, 5, 6].map(isSmall)).toEqual([true, true, true, false, false]);
  });

  it('hides the smallest other part when a single part of a published total is hidden', () => {
    // 3 created + 17 supported + 8 undeclared = 28: with 3 hidden, 28 − 17 − 8 would give it back.
    expect(publishableParts([3, 17, 8], true)).toEqual([false, true, false]);
    expect(publishableParts([3, 2, 20], true)).toEqual([false, false, true]);
    expect(publishableParts([12, 17, 8], true)).toEqual([true, true, true]);
  });

  it('needs no second hidden part when the total is not published', () => {
    expect(publishableParts([3, 17, 8], false)).toEqual([false, true, true]);
  });
});
