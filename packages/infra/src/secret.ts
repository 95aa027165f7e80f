import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The master secret: ZAPDEPLOY_SECRET when set; otherwise (embedded mode) one generated on first start
 * and kept in the data dir with owner-only permissions, so sessions and encrypted values survive restarts.
 */
export async function resolveSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.resolve(dataDir, 'secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}

/** The token the API presents to the payments service's internal routes. */
export const paymentsServiceToken = (masterSecret: string) => deriveKey(masterSecret, 'payments-internal');

/** A key for one purpose derived from the master secret (HKDF), e.g. the token services present to each other. */
export function deriveKey(masterSecret: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', masterSecret, 'zapdeploy', `derived:${purpose}`, 32)).toString('base64url');
}
