import type { Request } from 'express';

export type Principal = {
  readonly userId: string;
  readonly isGuest: boolean;
  readonly via: 'session' | 'token';
};

export type ApiRequest = Request & { principal?: Principal };
