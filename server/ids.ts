/**
 * Our ids are UUIDs; a string that is not one can name nothing. Checked before a query, so that a
 * malformed id answers 404 (or its field's error) instead of PostgreSQL's invalid-input 500.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
