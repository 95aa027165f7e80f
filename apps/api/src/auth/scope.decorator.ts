import { SetMetadata } from '@nestjs/common';
import type { TokenScope } from '@zapdeploy/domain';

export const REQUIRED_SCOPE = 'zapdeploy:scope';
/**
 * The token scope a route needs. Without it: `read` for GET/HEAD, `full` for everything else. Reads that hand
 * out secrets say `full`; the writes a deploy pipeline makes say `deploy`.
 */
export const RequiredScope = (scope: TokenScope) => SetMetadata(REQUIRED_SCOPE, scope);
