import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@zapdeploy/domain';

export const REQUIRED_PERMISSION = 'zapdeploy:permission';
/** The permission an admin route needs (held through a role); PermissionGuard refuses everyone else with 403. */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);
