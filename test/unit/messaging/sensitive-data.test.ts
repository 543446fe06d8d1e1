import { describe, expect, it } from 'vitest';
import { ibanValid, sensitiveData } from '../../../server/features/messaging/sensitive-data.js';
import { linkify } from '../../../server/features/messaging/presenter.js';

describe('sensitive data warning', () => {
  it('recognises a NIR only with its right key, spaced or not, Corsica included', () => {
    expect(sensitiveData('1 85 05 78 006 084 91')).toEqual(['nir']);
    expect(sensitiveData('185057800608491')).toEqual(['nir']);
    expect(sensitiveData('1.85.05.78.006.084.91')).toEqual(['nir']);
    expect(sensitiveData('1 85 05 78 006 084 92')).toEqual([]);
    // 2A (Corse-du-Sud) counts as 19 for the key.
    const corsica = `2850${'5'}2A004007`;
    const key = 97 - Number(BigInt(corsica.replace('2A', '19')) % 97n);
    expect(sensitiveData(`${corsica}${String(key).padStart(2, '0')}`)).toEqual(['nir']);
  });

  it('recognises an IBAN by its checksum, not a phone number nor a reference', () => {
    expect(ibanValid('FR76 3000 6000 0112 3456 7890 189')).toBe(true);
    expect(ibanValid('FR76 3000 6000 0112 3456 7890 188')).toBe(false);
    expect(sensitiveData('Virez sur FR7630006000011234567890189 svp')).toEqual(['iban']);
    expect(sensitiveData('DE89 3704 0044 0532 0130 00')).toEqual(['iban']);
    expect(sensitiveData('IBAN : FR76 3000 6000 0112 3456 7890 189 MERCI')).toEqual(['iban']);
    expect(sensitiveData('Appelez le 06 12 34 56 78 ou le 0 800 21 00 00, commande 1234567890123')).toEqual([]);
    expect(sensitiveData('NIR 1 85 05 78 006 084 91 et IBAN FR76 3000 6000 0112 3456 7890 189')).toEqual(['nir', 'iban']);
  });
});

describe('message text', () => {
  it('escapes everything and links http(s) addresses only, trailing punctuation outside', () => {
    // Handlebars writes = as &#x3D; (decoded by the browser, in the link too).
    expect(linkify('Voir https://exemple.fr/a?b=1&c=2. Merci')).toBe(
      'Voir <a href="https://exemple.fr/a?b&#x3D;1&amp;c&#x3D;2" rel="nofollow noopener ugc">https://exemple.fr/a?b&#x3D;1&amp;c&#x3D;2</a>. Merci',
    );
    expect(linkify('<img src=x onerror=alert(1)> javascript:alert(1)')).toBe('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; javascript:alert(1)');
    expect(linkify('"https://exemple.fr/"onmouseover=x')).not.toContain('onmouseover=x"');
  });
});
