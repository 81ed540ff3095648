import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('the worker log', () => {
  it('blanks credentials wherever they sit, nested several levels deep', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination });
    const secrets = {
      token: 'tok-1',
      connection: { secret: { token: 'tok-2', clientSecret: 'cs-3' }, password: 'pw-4' },
      gcp: { key: { serviceAccountKey: 'sak-5' }, credentials: { json: { private_key: 'pk-6', privateKey: 'pk-7' } } },
      request: { headers: { authorization: 'Bearer ab-8' } },
    };
    logger.warn(secrets, 'collection failed');
    const line = lines.join('');
    for (const value of ['tok-1', 'tok-2', 'cs-3', 'pw-4', 'sak-5', 'pk-6', 'pk-7', 'ab-8']) {
      expect(line).not.toContain(value);
    }
    expect(line).toContain('collection failed');
  });
});
