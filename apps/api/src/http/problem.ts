import type { Problem } from '@zapdeploy/contracts';
import type { ErrorKind } from '@zapdeploy/domain';
import { type Locale, translate } from './messages.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const KIND_STATUS: Record<ErrorKind, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit: 409,
  payment_required: 402,
  unavailable: 503,
};

export type ProblemInput = {
  readonly status: number;
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly errors?: Problem['errors'];
  /** Used when the code has no translation (e.g. an unknown code from the auth library). */
  readonly fallbackDetail?: string;
  readonly instance?: string;
};

/** Builds an RFC 9457 problem document in the caller's language. */
export function buildProblem(input: ProblemInput, locale: Locale): Problem {
  const detail = translate(input.code, locale, input.params) ?? input.fallbackDetail;
  return {
    type: `urn:zapdeploy:problem:${input.code}`,
    title: TITLES[input.status] ?? 'Error',
    status: input.status,
    ...(detail ? { detail } : {}),
    ...(input.instance ? { instance: input.instance } : {}),
    code: input.code,
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
