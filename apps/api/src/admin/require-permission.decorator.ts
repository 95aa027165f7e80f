import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@zapdeploy/domain';

export const REQUIRED_PERMISSION = 'zapdeploy:permission';
/**
 * The permission an admin route needs (held through a role, with the flag of its area on for the caller);
 * PermissionGuard refuses everyone else with 403.
 */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

export const ANY_ADMIN_AREA = 'zapdeploy:any-admin-area';
/** An admin route open to anyone with at least one console area (role and flag), whatever the area. */
export const AnyAdminArea = () => SetMetadata(ANY_ADMIN_AREA, true);
