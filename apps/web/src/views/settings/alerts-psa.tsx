import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { ErrorState, Loading } from '../../ui.tsx';
import { Field, FormError } from '../form.tsx';

type Api = ReturnType<typeof useTRPC>;
type Tenant = inferOutput<Api['tenant']['list']>[number];

export const PSA_KINDS = new Set(['connectwise', 'autotask', 'halopsa']);

/**
 * Which PSA company each tenant's tickets open under, on one PSA channel. The company is checked against the PSA
 * when saved: an unknown one is refused with the reason and nothing changes.
 */
export function PsaCompanies({ channel, canEdit }: { channel: { id: string; name: string }; canEdit: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const companies = useQuery(trpc.alerts.psa.companies.queryOptions({ channelId: channel.id }));
  const tenants = useQuery(trpc.tenant.list.queryOptions());
  const [tenant, setTenant] = useState<Tenant['id'] | ''>('');
  const [company, setCompany] = useState('');
  const invalidate = () =>
    client.invalidateQueries({ queryKey: trpc.alerts.psa.companies.queryKey({ channelId: channel.id }) });
  const map = useMutation(
    trpc.alerts.psa.map.mutationOptions({
      onSuccess: async () => {
        setCompany('');
        await invalidate();
      },
    }),
  );
  const unmap = useMutation(trpc.alerts.psa.unmap.mutationOptions({ onSuccess: invalidate }));
  const failed = [companies, tenants].find((q) => q.isError);
  if (failed?.isError) return <ErrorState error={failed.error} retry={() => failed.refetch()} />;
  if (!companies.data || !tenants.data) return <Loading what="PSA companies" />;
  const byId = new Map(tenants.data.map((t) => [t.id as string, t]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (tenant && company.trim()) map.mutate({ channelId: channel.id, tenantId: tenant, company: company.trim() });
  };
  return (
    <section aria-label={`PSA companies of ${channel.name}`}>
      <h4>Companies in the PSA</h4>
      {companies.data.length === 0 ? (
        <p className="muted">No tenant is mapped yet: its alerts cannot open tickets on this channel.</p>
      ) : (
        <ul>
          {companies.data.map((m) => {
            const name = byId.get(m.tenantId)?.name ?? m.tenantId;
            return (
              <li key={m.tenantId} data-testid="psa-company">
                {name} → {m.companyName} <span className="muted">(id {m.companyId})</span>{' '}
                {canEdit && (
                  <button type="button" onClick={() => unmap.mutate({ channelId: channel.id, tenantId: m.tenantId })}>
                    Unmap<span className="visually-hidden"> {name}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canEdit && (
        <form onSubmit={submit} aria-label={`Map a tenant on ${channel.name}`} className="inline-form">
          <Field id={`psa-tenant-${channel.id}`} label="Tenant">
            <select
              id={`psa-tenant-${channel.id}`}
              required
              value={tenant}
              onChange={(e) => setTenant(byId.get(e.target.value)?.id ?? '')}
            >
              <option value="">Choose a tenant…</option>
              {tenants.data.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id={`psa-company-${channel.id}`}
            label="Company id in the PSA"
            hint="ConnectWise: the company's id or identifier; Autotask and HaloPSA: its id."
          >
            <input
              id={`psa-company-${channel.id}`}
              aria-describedby={`psa-company-${channel.id}-hint`}
              required
              maxLength={100}
              value={company}
              onChange={(e) => setCompany(e.target.value)}
            />
          </Field>
          <button type="submit" disabled={map.isPending}>
            Map
          </button>
        </form>
      )}
      <FormError error={map.error ?? unmap.error} />
    </section>
  );
}
