import { describe, expect, it } from 'vitest';
import { companyInitials, companyLogoUrl, offerCard } from '../../server/features/offers/card.js';
import { formatDistance, formatHours, formatSalary } from '../../server/features/offers/wording.js';
import { loadTenantRegistry } from '../../server/tenancy/registry.js';
import { calendarDaysBetween, pluralKey, relativeDay, Theme } from '../../server/tenancy/theme.js';
import { TENANTS_DIR, VIEWS_DIR } from '../helpers/tenant-fixtures.js';

const montagne = loadTenantRegistry(TENANTS_DIR, { allowLocalhostSubdomains: true }).get('montagne')!;
const theme = new Theme(montagne, VIEWS_DIR, { cache: true });
const NBSP = '\u00a0';

describe('pay, hours and distance, the French way', () => {
  it('writes ranges with an en dash, hourly pay with cents, whole amounts without', () => {
    expect(formatSalary({ min: 12.3, max: 13.8, unit: 'hour' }, theme)).toBe(`12,30–13,80${NBSP}€${NBSP}brut/h`);
    expect(formatSalary({ min: 1850, max: 2100, unit: 'month' }, theme)).toBe(`1\u202f850–2\u202f100${NBSP}€${NBSP}brut/mois`);
    expect(formatSalary({ min: 1850.5, max: null, unit: 'month' }, theme)).toBe(`1\u202f850,50${NBSP}€${NBSP}brut/mois`);
    expect(formatSalary({ min: 12, max: 12, unit: 'hour' }, theme)).toBe(`12,00${NBSP}€${NBSP}brut/h`);
    expect(formatSalary({ min: null, max: 240, unit: 'day' }, theme)).toBe(`jusqu’à 240${NBSP}€${NBSP}brut/jour`);
    expect(formatSalary({ min: null, max: null, unit: null }, theme)).toBeNull();
  });

  it('writes hours and distances with a decimal comma', () => {
    expect(formatHours(35, theme)).toBe('35 h/sem.');
    expect(formatHours(17.5, theme)).toBe('17,5 h/sem.');
    expect(formatHours(null, theme)).toBeNull();
    expect(formatDistance(6.2, theme)).toBe('à 6,2 km');
    expect(formatDistance(undefined, theme)).toBeNull();
  });
});

describe('companies on cards', () => {
  it('stand for themselves by two initials when they have no logo', () => {
    expect(companyInitials('Remontées mécaniques des Houches')).toBe('RH');
    expect(companyInitials('École de ski de l’Alpe')).toBe('ÉA');
    expect(companyInitials('Glisse')).toBe('G');
    expect(companyInitials('SAS des 2 Alpes')).toBe('2A');
  });

  it('link to a logo versioned by its file, so a new logo is not hidden by caches', () => {
    expect(companyLogoUrl('glisse', null)).toBeNull();
    expect(companyLogoUrl('glisse', '0123456789abcdef')).toBe('/entreprises/glisse/logo?v=01234567');
  });

  it('carry what a card shows, grouped posts only when there are several', () => {
    const card = offerCard(
      {
        id: 'x',
        title: 'Perchman H/F',
        companyName: 'Remontées mécaniques des Houches',
        companySlug: 'rmh',
        companyLogo: null,
        contract: 'seasonal',
        workingTime: 'full_time',
        hoursPerWeek: 35,
        sector: 'remontees-mecaniques',
        housing: 'none',
        place: { name: 'Les Houches', postalCode: '74310' },
        salary: { min: 12.1, max: null, unit: 'hour' },
        publishedAt: new Date('2031-03-10T08:00:00Z'),
        distanceKm: 6.2,
        positions: 1,
      },
      montagne.config,
      theme,
      '?depuis=74056',
    );
    expect(card).toMatchObject({ url: '/offres/x?depuis=74056', initials: 'RH', salary: `12,10${NBSP}€${NBSP}brut/h`, hours: '35 h/sem.', housing: null, distance: 'à 6,2 km', positions: null, sectorLabel: 'Remontées mécaniques' });
  });
});

describe('French plurals and relative dates', () => {
  it('picks the singular for 0 and 1, the plural from 2 on, and writes the count the French way', () => {
    expect(theme.t('offers.count', { count: 0 })).toBe('0 offre trouvée');
    expect(theme.t('offers.count', { count: 1 })).toBe('1 offre trouvée');
    expect(theme.t('offers.count', { count: 3 })).toBe('3 offres trouvées');
    expect(theme.t('offers.count', { count: 1234 })).toBe('1\u202f234 offres trouvées');
    expect(pluralKey({ a: 'x' }, 'a', 1)).toBe('a');
    expect(theme.t('offers.count', { count: '{count}' })).toBe('{count} offres trouvées');
  });

  it('counts days on the Paris calendar: 23:50 to 00:10 is yesterday', () => {
    expect(calendarDaysBetween(new Date('2031-03-09T22:50:00Z'), new Date('2031-03-09T23:10:00Z'))).toBe(1);
    expect(calendarDaysBetween(new Date('2031-03-09T08:00:00Z'), new Date('2031-03-09T21:00:00Z'))).toBe(0);
    // Across the change to summer time (30 March 2031).
    expect(calendarDaysBetween(new Date('2031-03-29T12:00:00Z'), new Date('2031-03-31T12:00:00Z'))).toBe(2);
  });

  it('says how fresh an offer is', () => {
    const now = new Date('2031-03-10T11:00:00Z');
    const ago = (days: number) => relativeDay(new Date(now.getTime() - days * 86_400_000), now, (key, params) => theme.t(key, params));
    expect([0, 1, 3, 7, 13, 14, 20, 59, 60, 400].map(ago)).toEqual([
      'aujourd’hui',
      'hier',
      'il y a 3 jours',
      'il y a 7 jours',
      'il y a 13 jours',
      'il y a 2 semaines',
      'il y a 2 semaines',
      'il y a 8 semaines',
      'il y a 2 mois',
      'il y a 13 mois',
    ]);
    expect(relativeDay(new Date(now.getTime() + 3_600_000), now, (key, params) => theme.t(key, params))).toBe('aujourd’hui');
  });

  it('the helpers read the page’s clock: "nouveau" under 48 hours, relative date in a <time> with the absolute one', () => {
    const now = new Date('2031-03-10T11:00:00Z');
    const render = (publishedAt: Date) =>
      theme.renderFragment('partials/offer-card', {
        ...offerCard(
          { id: 'x', title: 'T', companyName: 'C', companySlug: 'c', companyLogo: null, contract: 'cdd', workingTime: 'full_time', hoursPerWeek: null, sector: null, housing: 'none', place: { name: null, postalCode: null }, salary: { min: null, max: null, unit: null }, publishedAt },
          montagne.config,
          theme,
        ),
        now,
      });
    const fresh = render(new Date(now.getTime() - 47 * 3_600_000));
    expect(fresh).toContain('<span class="badge badge--new">Nouveau</span>');
    expect(fresh).toContain(`<time datetime="${new Date(now.getTime() - 47 * 3_600_000).toISOString()}" title="8 mars 2031">il y a 2 jours</time>`);
    expect(render(new Date(now.getTime() - 49 * 3_600_000))).not.toContain('badge--new');
  });
});
