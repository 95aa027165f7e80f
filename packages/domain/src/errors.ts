/**
 * Typed errors raised by domain and application code. Transport layers map `kind` to a status
 * (HTTP: 404, 409, 403, 422, 429, 402…) and `code` to a translated message.
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'limit' | 'payment_required' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export const notFound = (resource: string) => new DomainError('not_found', `${resource}_not_found`);
