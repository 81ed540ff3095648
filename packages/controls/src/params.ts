import { z } from 'zod';

/** Parameter fragments shared by controls; each control's schema spreads the ones it uses. */
const freshness = {
  freshnessDays: z
    .number()
    .int()
    .positive()
    .default(7)
    .describe('Evidence observed more than this many days before the evaluation makes the result unknown.'),
};

const unknownShare = {
  unknownShareLimit: z
    .number()
    .min(0)
    .max(1)
    .default(0.05)
    .describe('Largest share of in-scope subjects whose key value may be unknown before the result is unknown.'),
};

export const band = {
  partialBand: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('Coverage at or above this share is partial rather than fail.'),
};

export const common = { ...freshness, ...unknownShare };

const commonParams = z.object(common);
export type CommonParams = z.infer<typeof commonParams>;

/** Default values of a parameter schema, as a plain object. */
export function defaultParams(schema: z.ZodObject<z.ZodRawShape>): Record<string, unknown> {
  return schema.parse({});
}

export interface ParamDoc {
  name: string;
  default: unknown;
  description: string;
}

export function describeParams(schema: z.ZodObject<z.ZodRawShape>): ParamDoc[] {
  const defaults = defaultParams(schema);
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    default: defaults[name],
    description: z.globalRegistry.get(field)?.description ?? '',
  }));
}
