import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecretKey, type SecretKey, secretKey } from '@evident/db';

/**
 * The key that seals connection secrets: `EVIDENT_SECRET_KEY` (base64, with `EVIDENT_SECRET_KEY_ID`) as the worker
 * reads it, else one generated once into the data folder, readable by its owner only.
 */
export async function loadSecretKey(
  dataDir: string,
  fromEnv: { key?: string | undefined; id: string },
): Promise<SecretKey> {
  if (fromEnv.key) return secretKey.parse({ id: fromEnv.id, key: fromEnv.key });
  const path = join(dataDir, 'secret-key.json');
  try {
    return secretKey.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = { id: `local-${Date.now().toString(36)}`, key: generateSecretKey() };
  await writeFile(path, `${JSON.stringify(key)}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
