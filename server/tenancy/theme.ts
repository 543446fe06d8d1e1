import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Tenant } from './registry.js';

export type Strings = Record<string, string>;

const LAYOUT = 'layouts/default';

/** Reads views/strings.fr.json (flat keys → French text). */
export function readStrings(file: string): Strings {
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} : un objet clé → texte est attendu`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`${file} : la valeur de « ${key} » doit être un texte`);
  }
  return parsed as Strings;
}

/** Replaces `{name}` placeholders; unknown placeholders stay visible so that a missing value shows. */
export function interpolate(text: string, params: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

function listTemplates(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return listTemplates(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.endsWith('.hbs') ? [`${prefix}${entry.name.slice(0, -4)}`] : [];
  });
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

/**
 * One tenant's theme, the way Ghost builds one Handlebars environment per theme: its own
 * `Handlebars.create()`, base partials registered first and the tenant's after (so they win), and
 * templates looked up in tenants/<slug>/views before views/. Strings: base file, then the tenant's
 * values for keys the base defines.
 */
export class Theme {
  readonly strings: Strings;
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly tenantViewsDir: string;

  constructor(
    readonly tenant: Tenant,
    private readonly baseViewsDir: string,
    private readonly options: { cache: boolean },
  ) {
    this.tenantViewsDir = path.join(tenant.dir, 'views');
    const base = readStrings(path.join(baseViewsDir, 'strings.fr.json'));
    const overrides = readStrings(path.join(tenant.dir, 'strings.fr.json'));
    this.strings = { ...base };
    for (const [key, value] of Object.entries(overrides)) if (key in base) this.strings[key] = value;
    this.registerHelpers();
    this.registerPartials();
  }

  /** Template names a tenant may override, with where each resolves from. */
  templates(): { name: string; source: 'tenant' | 'base' }[] {
    const names = new Set([...listTemplates(this.baseViewsDir), ...listTemplates(this.tenantViewsDir)]);
    return [...names].sort().map((name) => ({ name, source: this.templateFile(name).startsWith(this.tenantViewsDir) ? 'tenant' : 'base' }));
  }

  /** Helpers templates may call: Handlebars' own (if, each, with, lookup…) and the theme's. */
  helperNames(): string[] {
    return Object.keys(this.hbs.helpers);
  }

  t(key: string, params: Record<string, unknown> = {}): string {
    const text = this.strings[key];
    return text === undefined ? key : interpolate(text, params);
  }

  /** Renders a page template inside the layout (e-mails pass their own layout, e.g. emails/layout.html). */
  render(template: string, context: Record<string, unknown>, layout: string = LAYOUT): string {
    const body = this.template(template)(context);
    return this.template(layout)({ ...context, body });
  }

  /** Renders a template without layout (e-mails, fragments). */
  renderFragment(template: string, context: Record<string, unknown>): string {
    return this.template(template)(context);
  }

  /** Compiles a template now, so that `tenant check` reports syntax errors before go-live. */
  compile(template: string): void {
    this.template(template)({}, { helpers: {}, partials: {} });
  }

  private templateFile(name: string): string {
    const own = path.join(this.tenantViewsDir, `${name}.hbs`);
    return existsSync(own) ? own : path.join(this.baseViewsDir, `${name}.hbs`);
  }

  private template(name: string): Handlebars.TemplateDelegate {
    const cached = this.compiled.get(name);
    if (cached) return cached;
    const file = this.templateFile(name);
    if (!existsSync(file)) throw new Error(`Gabarit introuvable : ${name}`);
    // Plain-text templates (e-mails' `*.text.hbs`) must not HTML-escape: « L’équipe & co » stays as typed.
    const compiled = this.hbs.compile(readFileSync(file, 'utf8'), { strict: false, noEscape: name.endsWith('.text') });
    if (this.options.cache) this.compiled.set(name, compiled);
    return compiled;
  }

  private registerPartials(): void {
    for (const dir of [this.baseViewsDir, this.tenantViewsDir]) {
      const partialsDir = path.join(dir, 'partials');
      for (const name of listTemplates(partialsDir)) {
        this.hbs.registerPartial(name, readFileSync(path.join(partialsDir, `${name}.hbs`), 'utf8'));
      }
    }
  }

  private registerHelpers(): void {
    const theme = this;
    this.hbs.registerHelper('t', function (key: string, options: Handlebars.HelperOptions) {
      return theme.t(key, options.hash);
    });
    this.hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    this.hbs.registerHelper('formatDate', (value: unknown) => {
      if (!value) return '';
      const date = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
    });
    // A moment (messages, appointments): « 12 mars 2027 à 14:30 ».
    this.hbs.registerHelper('formatDateTime', (value: unknown) => {
      if (!value) return '';
      const date = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(date.getTime()) ? '' : dateTimeFormat.format(date);
    });
    this.hbs.registerHelper('isoDate', (value: unknown) => (value instanceof Date ? value.toISOString() : value ? String(value) : ''));
    // JSON for <script type="application/ld+json">: `<` escaped so that no `</script>` can close the block.
    this.hbs.registerHelper('jsonScript', (value: unknown) =>
      new Handlebars.SafeString((JSON.stringify(value) ?? 'null').replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')),
    );
  }
}
