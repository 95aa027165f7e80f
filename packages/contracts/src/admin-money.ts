import type { RouteDef } from './routes.js';

/** Operator console, money area(s): schemas and routes (spread into `routes`). */
export const adminMoneyRoutes = {} as const satisfies Record<string, RouteDef>;
