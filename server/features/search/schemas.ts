import { Type, type Static } from '@sinclair/typebox';
import { CONTRACTS, HOUSING } from '../../db/database.js';
import { SORTS } from './port.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Code = Type.String({ pattern: '^[a-z0-9-]{1,60}$' });
const Department = Type.String({ pattern: '^([0-9]{2,3}|2A|2B)$' });
const Rome = Type.String({ pattern: '^[A-Na-n][0-9]{4}$' });
/** An INSEE commune code (2A004 in Corsica) or "lat,lon" in decimal degrees. */
const Near = Type.String({ pattern: '^([0-9][0-9AB][0-9]{3}|-?[0-9]{1,2}(\\.[0-9]+)?,-?[0-9]{1,3}(\\.[0-9]+)?)$', maxLength: 40 });

/** GET /api/v1/offers. Unknown parameters are dropped (Fastify's Ajv removes additional properties). */
export const OffersApiQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    sector: Type.Optional(Code),
    contract: Type.Optional(literals(CONTRACTS)),
    rome: Type.Optional(Rome),
    housing: Type.Optional(literals(HOUSING)),
    department: Type.Optional(Department),
    near: Type.Optional(Near),
    radius_km: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    published_within_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    sort: Type.Optional(literals(SORTS)),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 1 })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    /** true: near-duplicates (same company, title, commune, contract, housing, sector) as one hit with `positions`. */
    group_duplicates: Type.Optional(Type.Boolean()),
    beginner_welcome: Type.Optional(Type.Boolean()),
    without_diploma: Type.Optional(Type.Boolean()),
    open_to_minors: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OffersApiQuery = Static<typeof OffersApiQuery>;

const Facet = Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }));
const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);

export const OfferHit = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  company: Type.String(),
  contract: Type.String(),
  sector: Nullable(Type.String()),
  housing: Type.String(),
  working_time: Type.String(),
  place: Type.Object({
    name: Nullable(Type.String()),
    postal_code: Nullable(Type.String()),
    insee: Nullable(Type.String()),
    lat: Nullable(Type.Number()),
    lon: Nullable(Type.Number()),
  }),
  published_at: Type.String({ format: 'date-time' }),
  url: Type.String(),
  distance_km: Type.Optional(Type.Number()),
  salary: Type.Object({ min: Nullable(Type.Number()), max: Nullable(Type.Number()), unit: Nullable(Type.String()) }),
  hours_per_week: Nullable(Type.Number()),
  /** How many matching offers this hit stands for (> 1 only with group_duplicates). */
  positions: Type.Integer(),
});

export const OffersApiResponse = Type.Object({
  total: Type.Integer(),
  /** What pages are cut from: groups with group_duplicates, else equal to total. */
  groups: Type.Integer(),
  page: Type.Integer(),
  per_page: Type.Integer(),
  hits: Type.Array(OfferHit),
  facets: Type.Object({ sector: Facet, contract: Facet, housing: Facet, department: Facet }),
});
export type OffersApiResponse = Static<typeof OffersApiResponse>;

export const PlacesApiQuery = Type.Object(
  {
    q: Type.String({ minLength: 2, maxLength: 80 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 10 })),
  },
  { additionalProperties: false },
);
export type PlacesApiQuery = Static<typeof PlacesApiQuery>;

export const PlacesApiResponse = Type.Object({
  places: Type.Array(
    Type.Object({
      insee: Type.String(),
      name: Type.String(),
      postal_code: Nullable(Type.String()),
      department: Type.String(),
      lat: Type.Number(),
      lon: Type.Number(),
      /** What the search page's place field shows and sends back: "Chamonix-Mont-Blanc (74400)". */
      label: Type.String(),
    }),
  ),
});

export const RADII_KM = [5, 10, 20, 30, 50, 100] as const;
export const DEFAULT_RADIUS_KM = 30;
export const PUBLISHED_WITHIN = [1, 7, 30] as const;
export const PAGE_SORTS = { pertinence: 'relevance', date: 'date', distance: 'distance' } as const;

/** GET /offres, the search page: French parameter names, the same filters as the API. Unknown ones (utm_…) are ignored. */
export const SearchPageQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  secteur: Type.Optional(Code),
  contrat: Type.Optional(literals(CONTRACTS)),
  logement: Type.Optional(literals(HOUSING)),
  departement: Type.Optional(Department),
  metier: Type.Optional(Rome),
  lieu: Type.Optional(Type.String({ maxLength: 100 })),
  rayon: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  publiee: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  tri: Type.Optional(literals(Object.keys(PAGE_SORTS) as (keyof typeof PAGE_SORTS)[])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  /** Only the offers of one commune (INSEE code): the map's "see these offers" link. */
  commune: Type.Optional(Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$' })),
  /** Youth boards' checkboxes: "débutant accepté", "sans diplôme", "accessible aux mineurs". */
  debutant: Type.Optional(Type.Literal('oui')),
  'sans-diplome': Type.Optional(Type.Literal('oui')),
  mineurs: Type.Optional(Type.Literal('oui')),
});
export type SearchPageQuery = Static<typeof SearchPageQuery>;

/** The youth filters of the search page: parameter → SearchQuery flag and the strings key of its label. */
export const YOUTH_FILTERS = [
  { param: 'debutant', flag: 'beginnerWelcome', label: 'search.youth.beginner' },
  { param: 'sans-diplome', flag: 'withoutDiploma', label: 'search.youth.withoutDiploma' },
  { param: 'mineurs', flag: 'openToMinors', label: 'search.youth.minors' },
] as const;
