import type { IncomingHttpHeaders } from 'node:http';

/**
 * CSRF defence for cookie-authenticated writes: the browser's Origin (or Referer) must be one of ours.
 * Requests that carry neither are refused; scripts should use a personal token instead of a cookie.
 */
export function isTrustedRequestOrigin(headers: IncomingHttpHeaders, trustedOrigins: readonly string[]): boolean {
  const origin = headers.origin ?? originOf(headers.referer);
  if (origin && origin !== 'null') return trustedOrigins.includes(origin);
  return headers['sec-fetch-site'] === 'same-origin';
}

function originOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
