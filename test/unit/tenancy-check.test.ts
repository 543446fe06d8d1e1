import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTenant, contrastRatio } from '../../server/tenancy/check.js';
import { copyTenants, editTenantJson, TENANTS_DIR, VIEWS_DIR, writeTenantFile } from '../helpers/tenant-fixtures.js';

const fatal = (dir: string, slug: string) => checkTenant(path.join(dir, slug), VIEWS_DIR).filter((f) => f.severity === 'fatal');

describe('tenant check (npm run tenant -- check)', () => {
  it('passes the shipped tenants and the skeleton', () => {
    for (const slug of ['montagne', 'dijon', '_skeleton']) expect(fatal(TENANTS_DIR, slug), slug).toEqual([]);
  });

  it('finds a partial that neither the tenant nor the base theme has, with its file and line, even behind a condition', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/partials/footer.hbs', '<footer>\n{{#if tenant.contact.phone}}\n  {{> numero-vert}}\n{{/if}}\n</footer>');
    expect(fatal(dir, 'dijon')).toEqual([
      { check: 'T010-partial', severity: 'fatal', message: expect.stringMatching(/^views\/partials\/footer\.hbs:3 : partiel « numero-vert » introuvable/) },
    ]);
  });

  it('accepts partial blocks with a fallback, inline partials and tenant partials used by base templates', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/partials/bandeau.hbs', '<p>{{t "nav.offers"}}</p>');
    writeTenantFile(dir, 'dijon', 'views/partials/footer.hbs', '{{#*inline "local"}}x{{/inline}}{{> local}}{{> bandeau}}{{#> absent}}repli{{/absent}}');
    expect(fatal(dir, 'dijon')).toEqual([]);
  });

  it('finds a {{t}} key missing from the strings, and says when only the tenant defines it', () => {
    const dir = copyTenants(['montagne']);
    writeTenantFile(dir, 'montagne', 'views/partials/header.hbs', '<p>{{t "home.slogan"}}</p>\n<p>{{t "footer.nouveau"}}</p>');
    writeTenantFile(dir, 'montagne', 'strings.fr.json', JSON.stringify({ 'footer.nouveau': 'Nouveau' }));
    const messages = fatal(dir, 'montagne').filter((f) => f.check === 'T011-missing-string').map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/^views\/partials\/header\.hbs:1 : texte « home\.slogan » absent/),
      expect.stringMatching(/^views\/partials\/header\.hbs:2 : texte « footer\.nouveau » défini seulement dans strings\.fr\.json du tenant/),
    ]);
  });

  it('finds a helper the theme does not have, with its line, even behind a condition and in a sub-expression', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/partials/footer.hbs', '<footer>\n{{#if tenant.contact.phone}}\n  {{formatPhone tenant.contact.phone}}\n{{/if}}\n{{t (upper "footer.legal")}} {{#each offers}}{{formatDate publishedAt}}{{/each}}\n</footer>');
    expect(fatal(dir, 'dijon').map((f) => `${f.check} ${f.message.split(' (')[0]}`)).toEqual([
      'T013-helper views/partials/footer.hbs:3 : helper « formatPhone » inconnu',
      'T013-helper views/partials/footer.hbs:5 : helper « upper » inconnu',
    ]);
    expect(fatal(dir, 'dijon')[0].message).toMatch(/disponibles : concat, each, eq, formatDate, formatDateTime, fromNow, if, isoDate, jsonScript, log, lookup, or, t, unless, with, within\)$/);
  });

  it('finds a template that does not compile', () => {
    const dir = copyTenants(['montagne']);
    writeTenantFile(dir, 'montagne', 'views/pages/home.hbs', '{{#if total}}<p>oups</p>');
    expect(fatal(dir, 'montagne').map((f) => `${f.check} ${f.message.split(' :')[0]}`)).toEqual(['T004-template views/pages/home.hbs']);
  });

  it('reports a partial that does not compile once, on the partial, not on every page that includes it', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/partials/footer.hbs', '<footer>{{#if x}}</footer>');
    expect(fatal(dir, 'dijon').map((f) => `${f.check} ${f.message.split(' :')[0]}`)).toEqual(['T004-template views/partials/footer.hbs']);
  });

  it('finds a host name another tenant folder already declares, or another tenant’s .localhost name', () => {
    const dir = copyTenants(['montagne', 'dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.hostnames = ['emploi-montagne.cordee.example', 'montagne.localhost', 'dijon.localhost', 'beaune.localhost']));
    expect(fatal(dir, 'dijon').map((f) => f.message)).toEqual([
      'hostnames[0] « emploi-montagne.cordee.example » est déjà utilisé par le tenant montagne',
      'hostnames[1] « montagne.localhost » est déjà utilisé par le tenant montagne',
    ]);
  });

  it('finds colours that fail WCAG AA: primary under white text, accent as focus outline, accent used as text colour', () => {
    const dir = copyTenants(['dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.theme = { ...c.theme, primaryColor: '#38bdf8', accentColor: '#fde68a' }));
    expect(fatal(dir, 'dijon').map((f) => f.message.split(' :')[0])).toEqual(['theme.primaryColor #38bdf8', 'theme.accentColor #fde68a']);

    // #c2410c: 5.2:1 — fine for an outline (3:1) and for text (4.5:1); #ea580c: 3.6:1 — an outline only.
    editTenantJson(dir, 'dijon', (c) => (c.theme = { ...c.theme, primaryColor: '#1d4ed8', accentColor: '#ea580c' }));
    expect(fatal(dir, 'dijon')).toEqual([]);
    writeTenantFile(dir, 'dijon', 'assets/tenant.css', '.tag { color: var(--color-accent); }');
    expect(fatal(dir, 'dijon').map((f) => f.message)).toEqual([expect.stringMatching(/accentColor #ea580c : contraste 3\.\d\d:1 .*couleur de texte dans assets\/tenant\.css\), 4\.5:1 minimum/)]);
  });

  it('computes WCAG contrast ratios both ways', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(contrastRatio('#767676', '#ffffff'), 10);
  });
});
