import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { Theme, readStrings } from './theme.js';
import { readTenantConfig, TenantConfigError } from './tenant-config.js';

export type Severity = 'fatal' | 'recommendation';

export interface CheckFinding {
  /** Stable identifier, as gscan numbers its checks. */
  check: string;
  severity: Severity;
  message: string;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

/** WCAG relative luminance contrast between a #rrggbb colour and white. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

/**
 * Checks a tenant folder before it goes live, the way gscan checks a Ghost theme: fatal findings
 * must be fixed (the app would refuse to start or a page would fail), recommendations should be.
 */
export function checkTenant(tenantDir: string, baseViewsDir: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  let config;
  try {
    config = readTenantConfig(tenantDir);
  } catch (error) {
    if (!(error instanceof TenantConfigError)) throw error;
    for (const p of error.problems) findings.push({ check: 'T001-config', severity: 'fatal', message: `tenant.json ${p.field || '(racine)'} : ${p.message}` });
    return findings;
  }

  if (config.theme.logo && !existsSync(path.join(tenantDir, 'assets', config.theme.logo))) {
    findings.push({ check: 'T002-logo', severity: 'fatal', message: `theme.logo : assets/${config.theme.logo} est introuvable` });
  }

  const theme = new Theme({ id: config.slug, dir: tenantDir, config }, baseViewsDir, { cache: false });
  for (const template of theme.templates()) {
    const file = path.join(template.source === 'tenant' ? path.join(tenantDir, 'views') : baseViewsDir, `${template.name}.hbs`);
    if (template.source === 'tenant' && !existsSync(path.join(baseViewsDir, `${template.name}.hbs`))) {
      findings.push({ check: 'T003-unknown-template', severity: 'recommendation', message: `views/${template.name}.hbs ne remplace aucun gabarit de base (faute de frappe ?)` });
    }
    try {
      Handlebars.precompile(readFileSync(file, 'utf8'));
      // Rendering with an empty context also catches partials that do not exist.
      if (!template.name.startsWith('partials/')) theme.renderFragment(template.name, {});
    } catch (error) {
      findings.push({ check: 'T004-template', severity: 'fatal', message: `${template.source === 'tenant' ? 'views' : 'base'}/${template.name}.hbs : ${(error as Error).message.split('\n')[0]}` });
    }
  }

  const base = readStrings(path.join(baseViewsDir, 'strings.fr.json'));
  let overrides: Record<string, string> = {};
  try {
    overrides = readStrings(path.join(tenantDir, 'strings.fr.json'));
  } catch (error) {
    findings.push({ check: 'T005-strings', severity: 'fatal', message: (error as Error).message });
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in base)) {
      findings.push({ check: 'T006-unknown-string', severity: 'recommendation', message: `strings.fr.json « ${key} » n’existe pas dans le thème de base (ignoré)` });
    } else if (placeholders(value) !== placeholders(base[key])) {
      findings.push({ check: 'T007-placeholders', severity: 'fatal', message: `strings.fr.json « ${key} » doit garder les variables {${placeholders(base[key])}}` });
    }
  }

  if (config.hostnames.length === 0) {
    findings.push({ check: 'T008-hostnames', severity: 'recommendation', message: 'aucun nom d’hôte : le site n’est joignable qu’en développement (<slug>.localhost)' });
  }
  const contrast = contrastWithWhite(config.theme.primaryColor);
  if (contrast < 4.5) {
    findings.push({ check: 'T009-contrast', severity: 'fatal', message: `theme.primaryColor ${config.theme.primaryColor} : contraste ${contrast.toFixed(2)}:1 avec le texte blanc, 4.5:1 minimum (WCAG AA)` });
  }
  return findings;
}
