import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, type Observable } from 'rxjs';
import { describeReason, type Locale, negotiateLocale } from './messages.js';

/** Fills `statusDetail` of every instance in a response from its `statusReason`, in the caller's language. */
@Injectable()
export class LocalizeStatusInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locale = negotiateLocale(context.switchToHttp().getRequest<Request>().headers['accept-language']);
    return next.handle().pipe(map((body: unknown) => localize(body, locale)));
  }
}

function localize(value: unknown, locale: Locale): unknown {
  if (Array.isArray(value)) return value.map((item) => localize(item, locale));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if ('statusReason' in record && 'statusDetail' in record) {
    return { ...record, statusDetail: describeReason(record.statusReason as string | null, locale) };
  }
  if ('items' in record) return { ...record, items: localize(record.items, locale) };
  if ('instances' in record) return { ...record, instances: localize(record.instances, locale) };
  if ('instance' in record) return { ...record, instance: localize(record.instance, locale) };
  return value;
}
