/**
 * A deployment that cannot go on, with a code the UI translates and a hint saying what to do. `detail` is for
 * the operator's log only: what git or the network said, never shown to the user (it would map the network).
 */
export class SourceError extends Error {
  constructor(
    readonly code: string,
    readonly hint: string,
    readonly detail?: string,
  ) {
    super(`${code}: ${hint}`);
    this.name = 'SourceError';
  }
}
