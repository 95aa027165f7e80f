import { z } from 'zod';

const ClusterNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and dashes, such as sp-1');
const RegionSchema = z.string().trim().min(1).max(64).describe('Where it is, e.g. sa-east-1 or "São Paulo"');
const CredentialsSchema = z
  .string()
  .min(1)
  .max(128 * 1024)
  .describe(
    'kubernetes: a kubeconfig (YAML) with inline credentials (token or client certificate data; exec plugins, auth providers and file references are refused); docker: the engine endpoint (unix:///var/run/docker.sock, tcp://host:2375, https://host:2376). Never returned.',
  );
const RegistrySchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9.-]+(:\d{1,5})?(\/[a-zA-Z0-9._/-]*)?$/, 'a registry host[:port][/path], such as registry.example.com:5000/zapdeploy')
  .nullable()
  .describe('Where images for this cluster are pushed');
const StorageClassSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'a Kubernetes storage class name')
  .nullable()
  .describe('Storage class of the instances’ volumes (kubernetes)');
const MonthlyCostSchema = z.number().int().min(0).max(2_000_000_000).describe('What the cluster costs a month, BRL cents');

export const CLUSTER_STATUS_VALUES = ['active', 'cordoned', 'draining'] as const;

export const CreateClusterSchema = z
  .object({
    name: ClusterNameSchema,
    kind: z.enum(['docker', 'kubernetes']),
    region: RegionSchema,
    credentials: CredentialsSchema,
    registry: RegistrySchema.optional(),
    storageClass: StorageClassSchema.optional(),
    monthlyCostCents: MonthlyCostSchema.default(0),
  })
  .strict()
  .meta({ id: 'CreateCluster' });
export type CreateCluster = z.infer<typeof CreateClusterSchema>;

export const UpdateClusterSchema = z
  .object({
    name: ClusterNameSchema.optional(),
    region: RegionSchema.optional(),
    status: z
      .enum(CLUSTER_STATUS_VALUES)
      .optional()
      .describe('cordoned: no new instances; draining: no new instances and every instance on it is moved elsewhere (those with no room stay)'),
    credentials: CredentialsSchema.optional().describe('Checked by connecting before saving'),
    registry: RegistrySchema.optional(),
    storageClass: StorageClassSchema.optional(),
    monthlyCostCents: MonthlyCostSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .meta({ id: 'UpdateCluster' });
export type UpdateCluster = z.infer<typeof UpdateClusterSchema>;

const ResourcesSchema = z.object({ memoryMb: z.number().int(), cpuMillis: z.number().int() });

export const ClusterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['docker', 'kubernetes', 'process']).describe('process: the embedded install’s own machine (the `local` cluster only)'),
    region: z.string(),
    status: z.enum(CLUSTER_STATUS_VALUES),
    registry: z.string().nullable(),
    storageClass: z.string().nullable(),
    monthlyCostCents: z.number().int().describe('BRL cents a month'),
    currency: z.literal('BRL'),
    capacity: ResourcesSchema.nullable().describe('As last read from the cluster (null: never read)'),
    allocatable: ResourcesSchema.nullable().describe('What bots can be given (Kubernetes: ready, schedulable nodes’ allocatable)'),
    requested: ResourcesSchema.describe('The plans of the live instances placed here or on their way here'),
    instanceCount: z.number().int().describe('Live instances placed here'),
    lastCheckedAt: z.string().nullable(),
    lastError: z.object({ reason: z.string(), detail: z.string() }).nullable().describe('Why the last read failed'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cluster' });
export type ClusterDto = z.infer<typeof ClusterSchema>;

export const DrainReportSchema = z
  .object({
    moves: z.array(z.object({ instanceId: z.string(), targetClusterId: z.string() })).describe('Moves recorded (the workers carry them out)'),
    stuck: z.array(z.string()).describe('Instances no other active cluster has room for: they stay'),
  })
  .meta({ id: 'DrainReport' });

export const UpdatedClusterSchema = ClusterSchema.extend({
  drain: DrainReportSchema.optional().describe('When the change set status=draining'),
}).meta({ id: 'UpdatedCluster' });

export const ClusterListSchema = z.object({ items: z.array(ClusterSchema) }).meta({ id: 'ClusterList' });

export const MoveInstanceSchema = z
  .object({ clusterId: z.string().min(1).max(64) })
  .strict()
  .meta({ id: 'MoveInstance' });

export const MoveAcceptedSchema = z
  .object({
    instance: z.object({
      id: z.string(),
      clusterId: z.string().nullable().describe('Where it runs now'),
      targetClusterId: z.string().describe('Where it is being moved'),
      generation: z.number().int(),
    }),
  })
  .meta({ id: 'MoveAccepted' });
