/**
 * A domain error: a stable code (also the key of its French message, `errors.<CODE>` in the strings
 * file), the HTTP status it maps to, and per-field problems for forms and API clients.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    readonly fields: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError('NOT_FOUND', 404);
