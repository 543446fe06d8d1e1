import type { SharedTimeSettings } from './settings.js';

export interface Coordinates {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine). */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Road time between two sites, without any routing service: the great-circle distance times the
 * tenant's detour factor, at its average speed, rounded up to the minute (0 on the same spot).
 */
export function travelMinutes(a: Coordinates, b: Coordinates, travel: SharedTimeSettings['travel']): number {
  const km = distanceKm(a, b);
  if (km < 0.05) return 0;
  return Math.ceil(((km * travel.detourFactor) / travel.averageSpeedKmh) * 60 - 1e-9);
}
