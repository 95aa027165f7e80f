/** A deployment that cannot go on, with a code the UI translates and a hint saying what to do. */
export class SourceError extends Error {
  constructor(
    readonly code: string,
    readonly hint: string,
  ) {
    super(`${code}: ${hint}`);
    this.name = 'SourceError';
  }
}
