import { z } from 'zod';

export const INSTANCE_STATUS_VALUES = ['queued', 'building', 'starting', 'running', 'crashed', 'paused', 'failed', 'deleting', 'deleted'] as const;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = /^(ZAPDEPLOY_|NODE_EXTRA_CA_CERTS$)/;

export const EnvSchema = z
  .record(
    z
      .string()
      .regex(ENV_KEY, 'names use letters, digits and _ and do not start with a digit')
      .max(128)
      .refine((key) => !RESERVED_ENV.test(key), 'this name is reserved by Zapdeploy'),
    z.string().max(32_768, 'at most 32 KiB per value'),
  )
  .refine((env) => Object.keys(env).length <= 100, 'at most 100 variables')
  .describe('Environment variables (secret: stored encrypted, never returned)');

export const InstanceNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(48, 'at most 48 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, dot, dash and underscore');

export const RepoUrlSchema = z
  .string()
  .trim()
  .max(512)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'expected an http(s) git repository URL without credentials, such as https://github.com/user/bot');

export const BranchSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'not a valid branch name');

export const RootDirSchema = z
  .string()
  .trim()
  .max(255)
  .refine((value) => !value.split('/').includes('..') && !value.startsWith('/'), 'a relative folder inside the repository')
  .transform((value) => value.replace(/^\.\/?/, '').replace(/\/+$/, ''));

export const CreateInstanceSchema = z
  .object({
    name: InstanceNameSchema,
    repoUrl: RepoUrlSchema,
    branch: BranchSchema.optional(),
    rootDir: RootDirSchema.optional(),
    planId: z.string().min(1).max(64).optional(),
    env: EnvSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateInstance' });
export type CreateInstance = z.infer<typeof CreateInstanceSchema>;

export const UpdateInstanceSchema = z
  .object({ name: InstanceNameSchema.optional(), planId: z.string().min(1).max(64).optional(), env: EnvSchema.optional() })
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'nothing to change: send name, planId or env')
  .meta({ id: 'UpdateInstance' });
export type UpdateInstance = z.infer<typeof UpdateInstanceSchema>;

export const DeploymentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    status: z.string(),
    trigger: z.string(),
    commitSha: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Deployment' });

export const InstanceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(INSTANCE_STATUS_VALUES),
    statusReason: z.string().nullable().describe('Machine-readable reason of the status (exit_code:1, oom_killed:256, …)'),
    statusDetail: z.string().nullable().describe('The reason, said in the caller’s language'),
    desiredState: z.enum(['running', 'paused', 'deleted']),
    planId: z.string(),
    repoUrl: z.string(),
    branch: z.string().nullable(),
    rootDir: z.string(),
    envKeys: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    currentDeployment: DeploymentSchema.nullable(),
  })
  .meta({ id: 'Instance' });
export type InstanceDto = z.infer<typeof InstanceSchema>;

export const InstanceListQuerySchema = z.object({
  cursor: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const InstanceListSchema = z.object({ items: z.array(InstanceSchema), nextCursor: z.string().nullable() }).meta({ id: 'InstanceList' });

export const DeploymentListSchema = z.object({ items: z.array(DeploymentSchema) }).meta({ id: 'DeploymentList' });

export const AcceptedSchema = z.object({ instance: InstanceSchema }).meta({ id: 'Accepted' });
