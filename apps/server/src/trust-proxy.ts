import { isIP } from 'node:net';
import { z } from 'zod';

/** proxy-addr's names for address ranges, accepted besides addresses and CIDRs. */
const RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const addressOrCidr = (entry: string) => {
  if (RANGES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
};

/**
 * TRUST_PROXY: a hop count, or a comma-separated list of proxy addresses/CIDRs; unset, `false` or 0, none. `true`
 * (believe every hop) is refused: anyone could then pick their own address by sending X-Forwarded-For.
 */
export const trustProxySetting = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): number | string[] | undefined => {
    if (value === undefined || value === '' || value === 'false') return undefined;
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message:
          'true would believe every X-Forwarded-For hop; set the number of proxies in front (1 behind an ingress) or their CIDRs',
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) return Number(value) || undefined;
    const entries = value.split(',').map((e) => e.trim());
    const bad = entries.filter((e) => !addressOrCidr(e));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not a hop count, address or CIDR: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return entries;
  });
