import type { RouteDef } from './routes.js';

/** Operator console, people area(s): schemas and routes (spread into `routes`). */
export const adminPeopleRoutes = {} as const satisfies Record<string, RouteDef>;
