import { utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkTenant, contrastWithWhite } from '../../server/tenancy/check.js';
import { loadTenantRegistry } from '../../server/tenancy/registry.js';
import { interpolate, Theme } from '../../server/tenancy/theme.js';
import { copyTenants, editTenantJson, TENANTS_DIR, VIEWS_DIR, writeTenantFile } from '../helpers/tenant-fixtures.js';

const footerContext = { tenant: { name: 'X', tagline: 'Y', contact: { email: 'a@b.fr', phone: '0800' } } };

function themeFor(tenantsDir: string, slug: string) {
  const tenant = loadTenantRegistry(tenantsDir, { allowLocalhostSubdomains: true }).get(slug)!;
  return new Theme(tenant, VIEWS_DIR, { cache: false });
}

describe('theme resolution (tenant first, then base)', () => {
  it('uses a tenant partial override only for that tenant', () => {
    const dijon = themeFor(TENANTS_DIR, 'dijon').renderFragment('partials/footer', footerContext);
    const montagne = themeFor(TENANTS_DIR, 'montagne').renderFragment('partials/footer', footerContext);
    expect(dijon).toContain('Mission Locale de Dijon accompagne');
    expect(montagne).not.toContain('Mission Locale');
  });

  it('overrides strings that the base defines and ignores unknown keys', () => {
    const dir = copyTenants(['montagne']);
    writeTenantFile(dir, 'montagne', 'strings.fr.json', JSON.stringify({ 'nav.offers': 'Jobs en station', 'made.up': 'x' }));
    const theme = themeFor(dir, 'montagne');
    expect(theme.t('nav.offers')).toBe('Jobs en station');
    expect(theme.t('search.submit')).toBe('Rechercher');
    expect(theme.strings['made.up']).toBeUndefined();
  });

  it('in development, compiles a template once and again only when its file changes or a tenant override appears', () => {
    const dir = copyTenants(['dijon']);
    const theme = themeFor(dir, 'dijon');
    const compile = vi.spyOn((theme as unknown as { hbs: { compile: (...args: unknown[]) => unknown } }).hbs, 'compile');
    const base = theme.renderFragment('pages/error', { error: { message: 'Oups' } });
    expect(theme.renderFragment('pages/error', { error: { message: 'Oups' } })).toBe(base);
    expect(compile).toHaveBeenCalledTimes(1);
    const file = path.join(dir, 'dijon', 'views', 'pages', 'error.hbs');
    writeTenantFile(dir, 'dijon', 'views/pages/error.hbs', '<p>v1 {{error.message}}</p>');
    expect(theme.renderFragment('pages/error', { error: { message: 'Oups' } })).toBe('<p>v1 Oups</p>');
    writeTenantFile(dir, 'dijon', 'views/pages/error.hbs', '<p>v2 {{error.message}}</p>');
    // Two writes within one millisecond could share a modification time: this one is moved on.
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(theme.renderFragment('pages/error', { error: { message: 'Oups' } })).toBe('<p>v2 Oups</p>');
    expect(compile).toHaveBeenCalledTimes(3);
  });

  it('lets a tenant replace a page template', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/pages/error.hbs', '<p class="custom">{{error.message}}</p>');
    const html = themeFor(dir, 'dijon').renderFragment('pages/error', { error: { message: 'Oups' } });
    expect(html).toBe('<p class="custom">Oups</p>');
    expect(themeFor(dir, 'dijon').templates().find((t) => t.name === 'pages/error')?.source).toBe('tenant');
  });

  it('escapes values and keeps JSON-LD from closing its script element', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'views/pages/error.hbs', '{{error.message}}|{{jsonScript data}}');
    const html = themeFor(dir, 'dijon').renderFragment('pages/error', { error: { message: '<b>x</b>' }, data: { t: '</script><script>alert(1)</script>' } });
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('</script>');
    expect(JSON.parse(html.split('|')[1])).toEqual({ t: '</script><script>alert(1)</script>' });
  });

  it('interpolates named placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{count} offres à {place}', { count: 3 })).toBe('3 offres à {place}');
  });
});

describe('tenant check', () => {
  it('passes the shipped tenants with no fatal finding', () => {
    for (const slug of ['montagne', 'dijon', '_skeleton']) {
      const fatal = checkTenant(path.join(TENANTS_DIR, slug), VIEWS_DIR).filter((f) => f.severity === 'fatal');
      expect(fatal, slug).toEqual([]);
    }
  });

  it('reports a template that does not compile, a missing partial and a missing logo', () => {
    const dir = copyTenants(['montagne']);
    writeTenantFile(dir, 'montagne', 'views/pages/home.hbs', '{{#if total}}<p>oups</p>');
    writeTenantFile(dir, 'montagne', 'views/pages/company.hbs', '{{> inexistant}}');
    editTenantJson(dir, 'montagne', (c) => (c.theme.logo = 'absent.svg'));
    const findings = checkTenant(path.join(dir, 'montagne'), VIEWS_DIR);
    expect(findings.filter((f) => f.check === 'T004-template').map((f) => f.message.split(' :')[0])).toEqual(['views/pages/home.hbs']);
    expect(findings.filter((f) => f.check === 'T010-partial').map((f) => f.message.split(' :')[0])).toEqual(['views/pages/company.hbs:1']);
    expect(findings.some((f) => f.check === 'T002-logo' && f.severity === 'fatal')).toBe(true);
  });

  it('reports strings that drop a placeholder, unknown strings and unknown templates', () => {
    const dir = copyTenants(['dijon']);
    writeTenantFile(dir, 'dijon', 'strings.fr.json', JSON.stringify({ 'offers.count': 'Des offres', 'nope.key': 'x' }));
    writeTenantFile(dir, 'dijon', 'views/pages/hom.hbs', '<p></p>');
    const checks = checkTenant(path.join(dir, 'dijon'), VIEWS_DIR).map((f) => `${f.severity}:${f.check}`);
    expect(checks).toContain('fatal:T007-placeholders');
    expect(checks).toContain('recommendation:T006-unknown-string');
    expect(checks).toContain('recommendation:T003-unknown-template');
  });

  it('reports an invalid tenant.json and a primary colour too light for white text', () => {
    const dir = copyTenants(['dijon']);
    editTenantJson(dir, 'dijon', (c) => (c.theme.primaryColor = '#ffcc00'));
    expect(checkTenant(path.join(dir, 'dijon'), VIEWS_DIR).map((f) => f.check)).toContain('T009-contrast');
    editTenantJson(dir, 'dijon', (c) => delete c.name);
    expect(checkTenant(path.join(dir, 'dijon'), VIEWS_DIR)).toEqual([
      { check: 'T001-config', severity: 'fatal', message: expect.stringContaining('name') },
    ]);
  });

  it('computes WCAG contrast against white', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 0);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#767676')).toBeGreaterThan(4.5);
  });
});
