/** Who a flag is evaluated for (OpenFeature's evaluation context: `targetingKey` is the user id). */
export type FlagSubject = { readonly userId: string; readonly email: string; readonly roles: readonly string[] };

/**
 * The console's feature flags (`admin.<area>`), as the permission guard sees them: on or off for an administrator.
 * A flag that cannot be evaluated (unknown, provider down, wrong type) is off.
 */
export interface AdminFlags {
  isOn(flag: string, subject: FlagSubject): Promise<boolean>;
}
