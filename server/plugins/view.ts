import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Theme } from '../tenancy/theme.js';
import type { Tenant } from '../tenancy/registry.js';

export interface PageMeta {
  title: string;
  description?: string;
  /** Path of the canonical URL (defaults to the request path without query). */
  canonicalPath?: string;
  ogType?: 'website' | 'article';
  noindex?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    theme(tenant: Tenant): Theme;
    /** Every tenant's theme; replaced as a whole when the tenant folders are reloaded (development). */
    themes: ThemeSet;
  }
  interface FastifyReply {
    /** Renders a page template of the request's tenant theme inside its layout. */
    page(template: string, data: { meta: PageMeta } & Record<string, unknown>): FastifyReply;
  }
}

/** Absolute origin of the request, e.g. https://emploi-montagne.fr (host already vetted by tenancy). */
export function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function tenantView(tenant: Tenant) {
  const { config } = tenant;
  return {
    id: tenant.id,
    name: config.name,
    tagline: config.tagline,
    kind: config.kind,
    contact: config.contact,
    logoUrl: config.theme.logo ? `/assets/${config.theme.logo}` : null,
    sectors: config.sectors,
    features: config.features,
    /** The public « bilan » page is published (reports.publicSummary). */
    publicSummary: config.reports?.publicSummary === true,
  };
}

/** One Theme per tenant. `build` reads the folders (and throws on a bad strings file); `replace` swaps at once. */
export class ThemeSet {
  private themes = new Map<string, Theme>();

  constructor(
    private readonly viewsDir: string,
    /** Compiled templates are kept outside development. */
    private readonly cache: boolean,
  ) {}

  build(tenants: readonly Tenant[]): Map<string, Theme> {
    return new Map(tenants.map((tenant) => [tenant.id, new Theme(tenant, this.viewsDir, { cache: this.cache })]));
  }

  replace(themes: Map<string, Theme>): void {
    this.themes = themes;
  }

  get(tenant: Tenant): Theme {
    const theme = this.themes.get(tenant.id);
    if (!theme) throw new Error(`Thème inconnu : ${tenant.id}`);
    return theme;
  }
}

/**
 * Our small renderer instead of @fastify/view's: @fastify/view registers partials on one shared engine
 * and resolves a single templates root, while each tenant needs its own engine and tenant-first lookup.
 */
export default fp(
  async (app) => {
    const themes = new ThemeSet(app.config.viewsDir, app.config.env !== 'development');
    themes.replace(themes.build(app.tenants.tenants));
    app.decorate('themes', themes);
    app.decorate('theme', (tenant: Tenant) => themes.get(tenant));
    app.decorateReply('page', function (this: FastifyReply, template: string, data: { meta: PageMeta } & Record<string, unknown>) {
      const request = this.request;
      const base = origin(request);
      const now = app.clock();
      const canonicalPath = data.meta.canonicalPath ?? request.url.split('?')[0];
      const html = app.theme(request.tenant).render(template, {
        ...data,
        tenant: tenantView(request.tenant),
        meta: { ...data.meta, canonical: `${base}${canonicalPath}`, ogType: data.meta.ogType ?? 'website' },
        origin: base,
        currentPath: request.url,
        // The signed-in user (header links); null for visitors. Set by plugins/auth.ts.
        viewer: request.user ? { displayName: request.user.displayName, role: request.user.role } : null,
        // A candidate's pages carry a CSRF token for scripts: offers saved in the browser before log-in are
        // added to the account (saved-offers.js). Never for visitors (no CSRF cookie on public pages).
        scriptCsrfToken: request.user?.role === 'candidate' ? this.csrfToken() : undefined,
        // One clock per page: relative dates ("il y a 3 jours") and "nouveau" marks read it (theme helpers).
        now,
        year: now.getFullYear(),
        // Which template drew the page (the accessibility suite checks that every page template is visited).
        template,
      });
      return this.type('text/html; charset=utf-8').send(html);
    });
  },
  { name: 'view' },
);
