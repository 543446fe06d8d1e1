import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

const frenchNumber = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const frenchPlural = new Intl.PluralRules('fr-FR');

/**
 * Replaces `{name}` placeholders; unknown placeholders stay visible so that a missing value shows. A
 * numeric `{count}` is written the French way (1 234, 2,5).
 */
export function interpolate(text: string, params: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return name === 'count' && typeof value === 'number' ? frenchNumber.format(value) : String(value);
  });
}

/**
 * The key to read for this count: French says "0 offre", "1 offre", "2 offres", so a key may have a
 * singular form `<key>.one` beside its plural `<key>`, chosen by the count (Intl.PluralRules).
 */
export function pluralKey(strings: Strings, key: string, count: unknown): string {
  if (typeof count !== 'number' || frenchPlural.select(count) !== 'one') return key;
  return strings[`${key}.one`] === undefined ? key : `${key}.one`;
}

const DAY_MS = 86_400_000;
const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
/** Days between two instants counted on the Paris calendar (yesterday 23:50 → today 00:10 is 1 day). */
export function calendarDaysBetween(earlier: Date, later: Date): number {
  const day = (date: Date) => Date.parse(`${parisDay.format(date)}T00:00:00Z`);
  return Math.round((day(later) - day(earlier)) / DAY_MS);
}

/** "aujourd'hui", "hier", "il y a 3 jours", "il y a 2 semaines", "il y a 4 mois": how fresh a date is at `now`. */
export function relativeDay(date: Date, now: Date, t: (key: string, params?: Record<string, unknown>) => string): string {
  const days = Math.max(0, calendarDaysBetween(date, now));
  if (days === 0) return t('time.today');
  if (days === 1) return t('time.yesterday');
  if (days < 14) return t('time.daysAgo', { count: days });
  if (days < 60) return t('time.weeksAgo', { count: Math.floor(days / 7) });
  return t('time.monthsAgo', { count: Math.floor(days / 30) });
}

const asDate = (value: unknown): Date | undefined => {
  if (!value) return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
};

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
  /** Compiled templates by name, with the file and its modification time they were compiled from. */
  private readonly compiled = new Map<string, { delegate: Handlebars.TemplateDelegate; file: string; modified: number }>();
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
    const text = this.strings[pluralKey(this.strings, key, params.count)];
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

  /**
   * A template compiled once. Outside the cache (development) each use still looks the file up (a tenant
   * override may appear) and recompiles only when the file or its modification time changed, so an
   * edit shows on the next request without every request compiling (issue #16).
   */
  private template(name: string): Handlebars.TemplateDelegate {
    const cached = this.compiled.get(name);
    if (cached && this.options.cache) return cached.delegate;
    const file = this.templateFile(name);
    if (!existsSync(file)) throw new Error(`Gabarit introuvable : ${name}`);
    const modified = statSync(file).mtimeMs;
    if (cached && cached.file === file && cached.modified === modified) return cached.delegate;
    // Plain-text templates (e-mails' `*.text.hbs`) must not HTML-escape: « L’équipe & co » stays as typed.
    const delegate = this.hbs.compile(readFileSync(file, 'utf8'), { strict: false, noEscape: name.endsWith('.text') });
    this.compiled.set(name, { delegate, file, modified });
    return delegate;
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
      const date = asDate(value);
      return date ? dateFormat.format(date) : '';
    });
    // The clock is the page's `now` (reply.page passes it; tests fix it), never the helper's own.
    this.hbs.registerHelper('fromNow', (value: unknown, now: unknown) => {
      const date = asDate(value);
      const at = asDate(now);
      return date && at ? relativeDay(date, at, (key, params) => theme.t(key, params)) : '';
    });
    this.hbs.registerHelper('within', (value: unknown, now: unknown, hours: unknown) => {
      const date = asDate(value);
      const at = asDate(now);
      return Boolean(date && at && typeof hours === 'number' && at.getTime() - date.getTime() < hours * 3_600_000 && date <= at);
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
