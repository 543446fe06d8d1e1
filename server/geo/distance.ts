/** A point in decimal degrees (WGS 84). */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in kilometres (haversine, mean Earth radius). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 6_371.0088 * 2 * Math.asin(Math.sqrt(h));
}
