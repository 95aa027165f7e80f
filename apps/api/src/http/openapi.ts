import { ProblemSchema, type RouteDef, routes } from '@zapdeploy/contracts';
import { areaFlag, areaOf, type Permission } from '@zapdeploy/domain';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';

/** The OpenAPI 3.1 document, built from the same route contracts the controllers validate with. */
export function buildOpenApiDocument(serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const [operationId, route] of Object.entries(routes) as [string, RouteDef][]) {
    const operation: ZodOpenApiOperationObject = {
      operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'public' ? { security: [] } : { security: [{ session: [] }, { bearer: [] }] }),
      ...(route.auth === 'admin' ? { description: adminDescription(route.permission) } : {}),
      requestParams: {
        ...(route.params ? { path: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.headers ? { header: route.headers } : {}),
      },
      ...(route.body ? { requestBody: { content: { 'application/json': { schema: route.body } } } } : {}),
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, response]) => [
            status,
            { description: response.description, ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}) },
          ]),
        ),
        default: { description: 'Error (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } },
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Zapdeploy API',
      version: '1.0.0',
      description: 'Hospedagem de bots de WhatsApp. Errors are application/problem+json (RFC 9457), localised by Accept-Language.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'zapdeploy.session_token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (zd_pat_…), from POST /api/v1/tokens' },
      },
    },
    paths,
  });
}

/** Who may call an admin route: its permission through a role, and the flag of the permission's area. */
function adminDescription(permission: string | undefined): string {
  if (!permission) return 'Open to a signed-in user with at least one console area (its role and its flag `admin.<area>`); others: 403 `forbidden`.';
  const area = areaOf(permission as Permission);
  return `Needs the permission \`${permission}\` (a role) and the flag \`${area ? areaFlag(area) : 'admin'}\` on for the caller; without either: 403 \`forbidden\`.`;
}

export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zapdeploy API</title><link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', deepLinking: true });`;
