import type { Problem } from '@zapdeploy/contracts';

/** An error that already knows its HTTP status and problem code (transport-level failures). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Readonly<Record<string, string | number>> = {},
    readonly errors?: Problem['errors'],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code);
    this.name = 'HttpProblem';
  }
}
