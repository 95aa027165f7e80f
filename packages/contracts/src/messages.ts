import { z } from 'zod';

/** A versioned message contract: one name, one version, one schema. */
export type MessageDef<S extends z.ZodType = z.ZodType> = { readonly name: string; readonly version: number; readonly schema: S };

export const InstanceReconcileV1 = {
  name: 'instance.reconcile',
  version: 1,
  schema: z.object({ instanceId: z.string(), generation: z.number().int(), reason: z.string() }),
} as const satisfies MessageDef;
export type InstanceReconcile = z.infer<typeof InstanceReconcileV1.schema>;
