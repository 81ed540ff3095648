import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { navigate } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Field, FormError } from './form.tsx';

/** A tenant to assess: a customer of the MSP, or the MSP's own estate. Opens it, ready for its first connection. */
export function NewTenant() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const create = useMutation(
    trpc.tenant.create.mutationOptions({
      onSuccess: async (t) => {
        await client.invalidateQueries({ queryKey: trpc.portfolio.matrix.queryKey() });
        navigate({ name: 'tenant', tenantId: t.id });
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    create.mutate({
      name: String(data.get('tenant-name') ?? ''),
      kind: data.get('tenant-kind') === 'internal' ? 'internal' : 'customer',
    });
  };
  return (
    <details className="card">
      <summary>New tenant</summary>
      <form onSubmit={submit} aria-label="New tenant">
        <Field id="tenant-name" label="Tenant name" hint="The customer's name as your staff know it.">
          <input id="tenant-name" name="tenant-name" required maxLength={200} aria-describedby="tenant-name-hint" />
        </Field>
        <Field id="tenant-kind" label="Kind">
          <select id="tenant-kind" name="tenant-kind" defaultValue="customer">
            <option value="customer">A customer</option>
            <option value="internal">Our own estate</option>
          </select>
        </Field>
        <FormError error={create.error} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create tenant
        </button>
      </form>
    </details>
  );
}
