import { type EvaluationContext, InMemoryProvider } from '@openfeature/server-sdk';
import { ADMIN_AREA_NAMES, type AdminArea, areaFlag } from '@zapdeploy/domain';

/**
 * The console's flags (`admin.<area>`) from OpenFeature's InMemoryProvider, each on when `isOn` says so for the
 * evaluation context (`{ targetingKey: userId, email, roles }`).
 */
export function adminFlags(isOn: (area: AdminArea, context: EvaluationContext) => boolean): InMemoryProvider {
  return new InMemoryProvider(
    Object.fromEntries(
      ADMIN_AREA_NAMES.map((area) => [
        areaFlag(area),
        {
          variants: { on: true, off: false },
          defaultVariant: 'off',
          disabled: false,
          contextEvaluator: (context: EvaluationContext) => (isOn(area, context) ? 'on' : 'off'),
        },
      ]),
    ),
  );
}

/** Every console flag on for everyone: the roles alone decide (flags narrow, never grant). */
export const everyAdminFlagOn = (): InMemoryProvider => adminFlags(() => true);
