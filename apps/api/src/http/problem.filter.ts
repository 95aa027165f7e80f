import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@zapdeploy/domain';
import type { Request, Response } from 'express';
import { HttpProblem } from './http-problem.js';
import { negotiateLocale } from './messages.js';
import { buildProblem, KIND_STATUS, PROBLEM_CONTENT_TYPE, type ProblemInput } from './problem.js';

/** Maps every error to an RFC 9457 problem+json response in the caller's language. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const input = this.toProblemInput(error, request);
    sendProblem(response, request, input.problem, input.headers);
  }

  private toProblemInput(error: unknown, request: Request): { problem: ProblemInput; headers?: Record<string, string> } {
    if (error instanceof HttpProblem) {
      return { problem: { status: error.status, code: error.code, params: error.params, errors: error.errors }, headers: { ...error.headers } };
    }
    if (error instanceof DomainError) {
      return { problem: { status: KIND_STATUS[error.kind], code: error.code, params: error.params } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === 404) return { problem: { status, code: 'route_not_found' } };
      if (status === 413) return { problem: { status, code: 'payload_too_large' } };
      if (status === 400 && /JSON/i.test(error.message)) return { problem: { status, code: 'malformed_json' } };
      return { problem: { status, code: status >= 500 ? 'internal_error' : 'bad_request', fallbackDetail: error.message } };
    }
    const bodyParserError = error as { type?: string; status?: number };
    if (bodyParserError?.type === 'entity.parse.failed') return { problem: { status: 400, code: 'malformed_json' } };
    if (bodyParserError?.type === 'entity.too.large') return { problem: { status: 413, code: 'payload_too_large' } };
    this.logger.error(`${request.method} ${request.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { problem: { status: 500, code: 'internal_error' } };
  }
}

export function sendProblem(response: Response, request: Request, input: ProblemInput, headers: Record<string, string> = {}): void {
  const locale = negotiateLocale(request.headers['accept-language']);
  const problem = buildProblem({ ...input, instance: input.instance ?? request.originalUrl }, locale);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  // A body still on its way (refused before it was read) is not read: the connection closes after the answer.
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !request.complete) response.setHeader('connection', 'close');
  response.status(problem.status).setHeader('content-type', PROBLEM_CONTENT_TYPE).setHeader('content-language', locale).send(JSON.stringify(problem));
}
