import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTRPC } from '../trpc.ts';
import { Field, FormError } from './form.tsx';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Asks for an accepted risk: one control (or every one, chosen explicitly), one subject (or all), why, until when.
 * It excuses nothing until another admin approves it.
 */
export function NewException({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const tid = tenantId as never;
  const results = useQuery(trpc.tenant.results.queryOptions({ tenantId: tid }));
  const create = useMutation(
    trpc.exceptions.create.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.exceptions.requests.queryKey() }),
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const all = data.get('exc-all') === 'on';
    create.mutate({
      tenantId: tid,
      controlId: String(data.get('exc-control') ?? ''),
      subject: all ? '*' : String(data.get('exc-subject') ?? ''),
      reason: String(data.get('exc-reason') ?? ''),
      // The end of the chosen day, so an exception "until the 30th" covers the 30th.
      expiresAt: new Date(`${String(data.get('exc-expires'))}T23:59:59Z`).toISOString(),
    });
  };
  const controls = [...new Set(results.data?.results.map((r) => r.controlId) ?? [])];
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-exception-h">
      <h2 id="new-exception-h">New exception</h2>
      <Field id="exc-control" label="Control">
        <select id="exc-control" name="exc-control" defaultValue="" required>
          <option value="" disabled>
            Choose a control
          </option>
          <option value="*">Every control</option>
          {controls.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="exc-subject"
        label="Subject"
        hint="The account or resource as the evidence table names it, e.g. alice@contoso.example."
      >
        <input id="exc-subject" name="exc-subject" maxLength={500} aria-describedby="exc-subject-hint" />
      </Field>
      <label className="check">
        <input type="checkbox" name="exc-all" /> Every subject
      </label>
      <Field id="exc-reason" label="Reason" hint="Why the risk is accepted; shown to auditors with the evidence.">
        <textarea id="exc-reason" name="exc-reason" required minLength={3} aria-describedby="exc-reason-hint" />
      </Field>
      <Field id="exc-expires" label="Expires on">
        <input id="exc-expires" name="exc-expires" type="date" required min={inDays(1)} defaultValue={inDays(90)} />
      </Field>
      <p className="muted">
        Another admin approves or declines it; until then it excuses nothing. Both of you are named in the evidence.
      </p>
      <FormError error={create.error} />
      <button type="submit" className="primary" disabled={create.isPending}>
        Ask for approval
      </button>
      {create.isSuccess && (
        <p role="status">Asked for approval: it excuses nothing until a colleague with the admin role approves it.</p>
      )}
    </form>
  );
}
