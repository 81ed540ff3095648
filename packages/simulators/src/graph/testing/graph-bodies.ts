import { z } from 'zod';
import { CsdlSchema } from './csdl-schema.ts';
import type { RecordedResponse } from './graph-client.ts';

/** Which CSDL type each path answers with. Paths absent here return types the selected CSDL does not define. */
const TYPED: [RegExp, 'collection' | 'entity', string][] = [
  [/^\/v1\.0\/users$/i, 'collection', 'directoryObject'],
  [/^\/v1\.0\/groups\/[^/]+\/transitiveMembers$/i, 'collection', 'directoryObject'],
  [/^\/v1\.0\/groups\/[^/]+$/i, 'entity', 'directoryObject'],
  [/^\/v1\.0\/roleManagement\/directory\/roleAssignments$/i, 'collection', 'unifiedRoleAssignment'],
  [/^\/v1\.0\/reports\/authenticationMethods\/userRegistrationDetails$/i, 'collection', 'userRegistrationDetails'],
  [/^\/v1\.0\/identity\/conditionalAccess\/policies$/i, 'collection', 'conditionalAccessPolicy'],
  [/^\/v1\.0\/identity\/conditionalAccess\/policies\/[^/]+$/i, 'entity', 'conditionalAccessPolicy'],
  [
    /^\/v1\.0\/policies\/identitySecurityDefaultsEnforcementPolicy$/i,
    'entity',
    'identitySecurityDefaultsEnforcementPolicy',
  ],
];

const graphError = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    innerError: z.object({ date: z.string(), 'request-id': z.string(), 'client-request-id': z.string() }),
  }),
});

const envelope = z.union([
  z.object({
    '@odata.context': z.string(),
    '@odata.nextLink': z.url().optional(),
    value: z.array(z.record(z.string(), z.unknown())),
  }),
  z.object({ '@odata.context': z.string() }).loose(),
]);

/**
 * Checks every Graph body a test receives: success bodies against the CSDL type of their path (or, for types the
 * selected CSDL lacks, the OData envelope), error bodies against Graph's error shape.
 */
export class GraphBodyChecker {
  readonly problems: string[] = [];
  /** Bodies checked, by the CSDL type (or `envelope`, `error`) they were checked against. */
  readonly checked = new Map<string, number>();
  /** Success bodies that were not JSON (the `truncate` fault). */
  unparsed = 0;

  constructor(private readonly csdl: CsdlSchema = CsdlSchema.load()) {}

  readonly check = (r: RecordedResponse): void => {
    const path = new URL(r.url).pathname;
    if (typeof r.body === 'string') {
      this.unparsed++;
      return;
    }
    const typed = TYPED.find(([re]) => re.test(path));
    if (r.status >= 400) this.note('error', path, graphError.safeParse(r.body).error?.message);
    else if (!typed) this.note('envelope', path, envelope.safeParse(r.body).error?.message);
    else this.typed(typed, path, r.body);
  };

  private typed([, kind, type]: (typeof TYPED)[number], path: string, body: unknown): void {
    const errors =
      kind === 'collection' ? this.csdl.validateCollection(type, body) : this.csdl.validateEntity(type, body);
    this.note(type, path, errors.length > 0 ? errors.join('; ') : undefined);
  }

  private note(kind: string, path: string, problem: string | undefined): void {
    this.checked.set(kind, (this.checked.get(kind) ?? 0) + 1);
    if (problem) this.problems.push(`${path} (${kind}): ${problem}`);
  }
}
