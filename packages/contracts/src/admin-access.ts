import type { RouteDef } from './routes.js';

/** Operator console, access area(s): schemas and routes (spread into `routes`). */
export const adminAccessRoutes = {} as const satisfies Record<string, RouteDef>;
