import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { tenantFolders } from './registry.js';
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

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** WCAG relative luminance contrast between a #rrggbb colour and white. */
export const contrastWithWhite = (hex: string): number => contrastRatio(hex, '#ffffff');

/** WCAG AA: 4.5:1 for normal text, 3:1 for user-interface components such as focus outlines (1.4.11). */
const AA_TEXT = 4.5;
const AA_NON_TEXT = 3;

/**
 * Host name → slug, for every live tenant folder of `tenantsDir` but `except`: its declared host names
 * and `<slug>.localhost`, on which every tenant answers in development. Unreadable files are skipped
 * (their own check reports them).
 */
export function declaredHostnames(tenantsDir: string, except?: string): Map<string, string> {
  const owners = new Map<string, string>();
  if (!existsSync(tenantsDir)) return owners;
  for (const slug of tenantFolders(tenantsDir)) {
    if (slug === except) continue;
    owners.set(`${slug}.localhost`, slug);
    try {
      const { hostnames } = JSON.parse(readFileSync(path.join(tenantsDir, slug, 'tenant.json'), 'utf8')) as { hostnames?: unknown };
      if (Array.isArray(hostnames)) for (const host of hostnames) if (typeof host === 'string') owners.set(host.toLowerCase(), slug);
    } catch {
      // Not a tenant (yet) or invalid JSON.
    }
  }
  return owners;
}

/** The other tenant that already answers on `host`, if any (see declaredHostnames). */
export function hostnameOwner(host: string, slug: string, owners: Map<string, string>): string | undefined {
  const owner = owners.get(host);
  return owner && owner !== slug ? owner : undefined;
}

interface TemplateUse {
  partials: { name: string; line: number }[];
  strings: { key: string; line: number }[];
  helpers: { name: string; line: number }[];
}

/**
 * Partials `{{> name}}`, literal string keys `{{t "key"}}` and helper calls a template uses (dynamic
 * names are not knowable). A helper call is a sub-expression, or a mustache or block with arguments:
 * `{{name}}` and `{{#name}}…{{/name}}` alone may just read or iterate a value of the context.
 */
function templateUses(ast: hbs.AST.Program): TemplateUse {
  const uses: TemplateUse = { partials: [], strings: [], helpers: [] };
  const inline = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; loc?: { start: { line: number } } } & Record<string, unknown>;
    const line = n.loc?.start.line ?? 0;
    if (n.type === 'PartialStatement') {
      // `{{> (lookup …)}}` is resolved at render time and `{{> @partial-block}}` is Handlebars' own.
      const name = n.name as { type: string; original?: string; value?: string; data?: boolean };
      if (name.type === 'PathExpression' && !name.data) uses.partials.push({ name: name.original!, line });
      if (name.type === 'StringLiteral') uses.partials.push({ name: name.value!, line });
    }
    if (n.type === 'DecoratorBlock' && (n.path as hbs.AST.PathExpression).original === 'inline') {
      const param = (n.params as hbs.AST.Expression[])[0];
      if (param?.type === 'StringLiteral') inline.add((param as hbs.AST.StringLiteral).value);
    }
    if (n.type === 'MustacheStatement' || n.type === 'SubExpression' || n.type === 'BlockStatement') {
      const helper = n.path as hbs.AST.PathExpression;
      const first = (n.params as hbs.AST.Expression[] | undefined)?.[0];
      if (helper?.type === 'PathExpression' && helper.original === 't' && first?.type === 'StringLiteral') {
        uses.strings.push({ key: (first as hbs.AST.StringLiteral).value, line });
      }
      const called = n.type === 'SubExpression' || first !== undefined || ((n.hash as hbs.AST.Hash | undefined)?.pairs.length ?? 0) > 0;
      if (called && helper?.type === 'PathExpression' && !helper.data && helper.parts.length === 1 && helper.original !== 'this') {
        uses.helpers.push({ name: helper.original, line });
      }
    }
    // A partial block `{{#> name}}fallback{{/name}}` renders its fallback when the partial is missing: only its content is looked at.
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
  };
  visit(ast.body);
  uses.partials = uses.partials.filter((p) => !inline.has(p.name));
  return uses;
}

/**
 * Checks a tenant folder before it goes live, the way gscan checks a Ghost theme: fatal findings
 * must be fixed (the app would refuse to start or a page would fail), recommendations should be.
 * Host names are compared with the other tenant folders of `tenantsDir` (by default the folder's parent).
 */
export function checkTenant(tenantDir: string, baseViewsDir: string, options: { tenantsDir?: string } = {}): CheckFinding[] {
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

  const base = readStrings(path.join(baseViewsDir, 'strings.fr.json'));
  let overrides: Record<string, string> = {};
  try {
    overrides = readStrings(path.join(tenantDir, 'strings.fr.json'));
  } catch (error) {
    findings.push({ check: 'T005-strings', severity: 'fatal', message: (error as Error).message });
  }

  const theme = new Theme({ id: config.slug, dir: tenantDir, config }, baseViewsDir, { cache: false });
  const templates = theme.templates();
  const partials = new Set(templates.filter((t) => t.name.startsWith('partials/')).map((t) => t.name.slice('partials/'.length)));
  const helpers = new Set(theme.helperNames());
  // Every template compiled first: a partial that does not compile is reported once, on itself, not
  // again on every page that includes it.
  const compiled = templates.map((template) => {
    const file = path.join(template.source === 'tenant' ? path.join(tenantDir, 'views') : baseViewsDir, `${template.name}.hbs`);
    try {
      const ast = Handlebars.parse(readFileSync(file, 'utf8'));
      Handlebars.precompile(ast);
      return { template, ast };
    } catch (error) {
      return { template, error: (error as Error).message.split('\n')[0] };
    }
  });
  const unparsablePartial = compiled.some((c) => c.error !== undefined && c.template.name.startsWith('partials/'));
  for (const { template, ast, error } of compiled) {
    const label = `${template.source === 'tenant' ? 'views' : 'base'}/${template.name}.hbs`;
    if (template.source === 'tenant' && !existsSync(path.join(baseViewsDir, `${template.name}.hbs`))) {
      findings.push({ check: 'T003-unknown-template', severity: 'recommendation', message: `views/${template.name}.hbs ne remplace aucun gabarit de base (faute de frappe ?)` });
    }
    if (!ast) {
      findings.push({ check: 'T004-template', severity: 'fatal', message: `${label} : ${error}` });
      continue;
    }
    const uses = templateUses(ast);
    for (const partial of uses.partials.filter((p) => !partials.has(p.name))) {
      findings.push({ check: 'T010-partial', severity: 'fatal', message: `${label}:${partial.line} : partiel « ${partial.name} » introuvable (ni views/partials/${partial.name}.hbs du tenant, ni celui du thème de base)` });
    }
    for (const use of uses.helpers.filter((h) => !helpers.has(h.name))) {
      findings.push({ check: 'T013-helper', severity: 'fatal', message: `${label}:${use.line} : helper « ${use.name} » inconnu (la page échouerait ; disponibles : ${[...helpers].filter((h) => !h.endsWith('Missing')).sort().join(', ')})` });
    }
    for (const use of uses.strings.filter((s) => !(s.key in base))) {
      const why = use.key in overrides ? 'défini seulement dans strings.fr.json du tenant, qui ne peut que remplacer des clés du thème de base' : 'absent de views/strings.fr.json et de strings.fr.json du tenant';
      findings.push({ check: 'T011-missing-string', severity: 'fatal', message: `${label}:${use.line} : texte « ${use.key} » ${why} (la page afficherait la clé)` });
    }
    if (template.name.startsWith('partials/') || uses.partials.some((p) => !partials.has(p.name))) continue;
    try {
      // Rendering with an empty context also catches missing helpers and partials used by partials.
      theme.renderFragment(template.name, {});
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      // A partial missing further down is reported, with its line, on the template that uses it; an
      // unknown helper, with its line, by T013 (which sees every call, even behind a condition).
      const consequence = /The partial .* could not be found|^Missing helper/.test(message) || (unparsablePartial && /^Parse error/.test(message));
      if (!consequence) findings.push({ check: 'T004-template', severity: 'fatal', message: `${label} : ${message}` });
    }
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
  const owners = declaredHostnames(options.tenantsDir ?? path.dirname(tenantDir), path.basename(tenantDir));
  config.hostnames.forEach((host, i) => {
    const owner = hostnameOwner(host, config.slug, owners);
    if (owner) {
      findings.push({ check: 'T012-duplicate-host', severity: 'fatal', message: `hostnames[${i}] « ${host} » est déjà utilisé par le tenant ${owner}` });
    }
  });

  findings.push(...contrastFindings(tenantDir, config.theme));
  return findings;
}

/**
 * The colours the base theme puts under or behind text: primaryColor carries white text (header,
 * buttons) and is the link colour on white; accentColor draws focus outlines and borders on white,
 * and is a text colour only if the tenant's CSS makes it one.
 */
function contrastFindings(tenantDir: string, theme: { primaryColor: string; accentColor: string }): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const primary = contrastWithWhite(theme.primaryColor);
  if (primary < AA_TEXT) {
    findings.push({ check: 'T009-contrast', severity: 'fatal', message: `theme.primaryColor ${theme.primaryColor} : contraste ${primary.toFixed(2)}:1 avec le blanc (texte des boutons, de l’en-tête et des liens), ${AA_TEXT}:1 minimum (WCAG AA)` });
  }
  const accent = contrastWithWhite(theme.accentColor);
  const accentText = accentUsedAsText(tenantDir);
  const needed = accentText ? AA_TEXT : AA_NON_TEXT;
  if (accent < needed) {
    const use = accentText ? `couleur de texte dans ${accentText}` : 'contours de focus et bordures sur fond blanc';
    findings.push({ check: 'T009-contrast', severity: 'fatal', message: `theme.accentColor ${theme.accentColor} : contraste ${accent.toFixed(2)}:1 avec le blanc (${use}), ${needed}:1 minimum (WCAG AA)` });
  }
  return findings;
}

/** `assets/<file>.css` when a tenant stylesheet sets `color: var(--color-accent)` (text, not a border). */
function accentUsedAsText(tenantDir: string): string | undefined {
  const assets = path.join(tenantDir, 'assets');
  if (!existsSync(assets)) return undefined;
  for (const name of readdirSync(assets).filter((n) => n.endsWith('.css'))) {
    if (/(^|[;{\s])color\s*:\s*var\(--color-accent\)/.test(readFileSync(path.join(assets, name), 'utf8'))) return `assets/${name}`;
  }
  return undefined;
}
