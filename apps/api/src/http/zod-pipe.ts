import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { HttpProblem } from './http-problem.js';

/** Validates one request part against a contract schema; failures become a 422 problem listing each field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly part: 'body' | 'query' | 'params' | 'headers' = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? (this.part === 'body' ? undefined : {}));
    if (result.success) return result.data;
    throw new HttpProblem(
      422,
      'validation_failed',
      {},
      result.error.issues.map((issue) => ({
        path: [this.part, ...issue.path.map(String)].join('.'),
        message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
      })),
    );
  }
}
