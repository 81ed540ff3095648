import { controlById, frameworkById } from '@evident/controls';
import { NotFoundError } from '@evident/core';
import { z } from 'zod';
import { router, staffProcedure } from '../trpc.ts';

export const controlIdInput = z.object({ controlId: z.string().min(1).max(20) });

export const controlDescriptionOut = z.object({
  id: z.string(),
  title: z.string(),
  requirement: z.string(),
  rationale: z.string(),
  remediation: z.string(),
  mappings: z.array(
    z.object({
      framework: z.string(),
      frameworkName: z.string(),
      ref: z.string(),
      note: z.string().nullable(),
      url: z.string(),
    }),
  ),
});

/** A control as the catalog states it: public data, the same for every organization. */
export function describeControl(controlId: string): z.infer<typeof controlDescriptionOut> {
  const control = controlById(controlId);
  if (!control) throw new NotFoundError('control', controlId);
  return {
    id: control.id,
    title: control.title,
    requirement: control.requirement,
    rationale: control.rationale,
    remediation: control.remediation,
    mappings: control.mappings.map((m) => {
      const framework = frameworkById(m.framework);
      return {
        framework: m.framework,
        frameworkName: framework.name,
        ref: m.ref,
        note: m.note ?? null,
        url: framework.url,
      };
    }),
  };
}

/** The catalog, for staff; the shared view has its own procedure behind the share token. */
export const controlsRouter = router({
  describe: staffProcedure
    .input(controlIdInput)
    .output(controlDescriptionOut)
    .query(({ input }) => describeControl(input.controlId)),
});
