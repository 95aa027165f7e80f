import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { createDockerRuntime, LABELS, type RuntimePorts, removeInstance } from '@zapdeploy/runtime';
import { listArchive, normalizeSessionArchive } from '@zapdeploy/runtime/session-archive';
import { dockerTestSettings } from '@zapdeploy/test-support/support/docker';
import Docker from 'dockerode';
import tar from 'tar-fs';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const docker = new Docker();
const suffix = Date.now().toString(36);
const image = `zapdeploy-test/volume-declaring:${suffix}`;
const instanceId = `ins_vol${suffix}`;
let runtime: RuntimePorts;

type VolumeInfo = { Name: string; Labels: Record<string, string> | null };
const volumes = async (): Promise<VolumeInfo[]> => ((await docker.listVolumes()).Volumes ?? []) as VolumeInfo[];

beforeAll(async () => {
  // An image (used both as the helper image and as the bot) that declares VOLUMEs besides /data.
  const context = await mkdtemp(path.join(tmpdir(), 'zapdeploy-vol-'));
  await writeFile(path.join(context, 'Dockerfile'), 'FROM node:24-slim\nVOLUME /cache /data\nCMD ["sleep", "600"]\n');
  const stream = await docker.buildImage(tar.pack(context) as unknown as NodeJS.ReadableStream, { t: image, pull: false });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
  await rm(context, { recursive: true, force: true });
  runtime = createDockerRuntime({ ...dockerTestSettings(), helperImage: image });
});

afterAll(async () => {
  if (runtime) await removeInstance(runtime, instanceId).catch(() => undefined);
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
});

async function sessionTar(files: Record<string, string>): Promise<Readable> {
  const pack = tarStream.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, body);
  pack.finalize();
  const gzipped = await buffer(Readable.from(pack).pipe(createGzip()));
  return normalizeSessionArchive(gzipped).pipe(createGunzip());
}

describe('volumes of declared VOLUMEs', () => {
  it('are labelled with the instance (helpers and bot), never left unlabelled, and go with the instance', async () => {
    const before = new Set((await volumes()).map((volume) => volume.Name));
    await runtime.workload.replace({
      instanceId,
      deploymentId: 'dep_vol',
      artifact: image,
      env: {},
      limits: { cpuMillis: 250, memoryMb: 128, diskMb: 256 },
      revision: 'r1',
    });
    await runtime.workload.stop(instanceId);
    await runtime.volume.importSessions(instanceId, await sessionTar({ 'sessions/auth_info/creds.json': '{"id":7}' }));
    const exported = await runtime.volume.exportSessions(instanceId, async (archive) => buffer(archive));
    expect(exported).toBeDefined();
    const files = await listArchive(gzipSync(exported as Buffer));
    expect(files.get('sessions/auth_info/creds.json')?.toString()).toBe('{"id":7}');
    await runtime.volume.clearSessions(instanceId);

    const created = (await volumes()).filter((volume) => !before.has(volume.Name));
    // Nothing unlabelled: every new volume is one of Zapdeploy's (other runs on this engine label theirs too).
    expect(created.filter((volume) => !volume.Labels?.[LABELS.managed])).toEqual([]);
    const mine = created.filter((volume) => volume.Labels?.[LABELS.instance] === instanceId).map((volume) => volume.Name);
    // The /data volume and the bot's /cache; the helpers' /cache volumes went with them.
    expect(mine).toHaveLength(2);

    await removeInstance(runtime, instanceId);
    const left = (await volumes()).filter((volume) => volume.Labels?.[LABELS.instance] === instanceId);
    expect(left).toEqual([]);
  });
});
