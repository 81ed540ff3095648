import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { problems } from '../messages.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, num, Time } from '../ui.tsx';

interface Pack {
  name: string;
  size: number;
  storedAt: string;
}

function PackTable({ packs, href }: { packs: Pack[]; href: (name: string) => string }) {
  if (packs.length === 0)
    return (
      <Empty>
        <p>No evidence packs stored yet.</p>
      </Empty>
    );
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Pack</th>
          <th scope="col">Stored</th>
          <th scope="col">Size</th>
        </tr>
      </thead>
      <tbody>
        {packs.map((p) => (
          <tr key={p.name}>
            <th scope="row">
              <a href={href(p.name)} download>
                {p.name}
              </a>
            </th>
            <td>
              <Time iso={p.storedAt} />
            </td>
            <td className="num">{num(Math.ceil(p.size / 1024))} KB</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const POLL_MS = 2_000;
const GIVE_UP_MS = 10 * 60_000;

/** A tenant's stored packs, downloadable, and "export now": the list is re-read until the worker's pack is in it. */
export function TenantPacks({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const tid = tenantId as never;
  // The packs there were when an export was asked for; the export is pending until a pack not among them appears.
  const [waiting, setWaiting] = useState<{ known: Set<string>; since: number } | null>(null);
  const [outcome, setOutcome] = useState<'made' | 'slow' | null>(null);
  const packs = useQuery({
    ...trpc.packs.list.queryOptions({ tenantId: tid }),
    refetchInterval: waiting ? POLL_MS : false,
  });
  const exportNow = useMutation(
    trpc.packs.exportNow.mutationOptions({
      onMutate: () => setOutcome(null),
      onSuccess: () => setWaiting({ known: new Set(packs.data?.map((p) => p.name)), since: Date.now() }),
    }),
  );
  const arrived = waiting !== null && packs.data?.some((p) => !waiting.known.has(p.name));
  const gaveUp = waiting !== null && packs.dataUpdatedAt - waiting.since > GIVE_UP_MS;
  useEffect(() => {
    if (!arrived && !gaveUp) return;
    setWaiting(null);
    setOutcome(arrived ? 'made' : 'slow');
  }, [arrived, gaveUp]);
  return (
    <section aria-labelledby="packs-h">
      <div className="title-row">
        <h2 id="packs-h">Evidence packs</h2>
        <button
          type="button"
          onClick={() => exportNow.mutate({ tenantId: tid })}
          disabled={exportNow.isPending || waiting !== null}
        >
          {waiting ? 'Exporting…' : 'Export now'}
        </button>
      </div>
      <p aria-live="polite">
        {waiting && 'Export requested: the pack appears here once the worker has made it.'}
        {outcome === 'made' && 'The new pack is in the list below.'}
        {outcome === 'slow' && 'The pack is taking long: reload this page later to see it.'}
        {exportNow.isError && `Export not requested: ${problems(exportNow.error)[0]?.message}`}
      </p>
      <p className="muted">
        Signed packs an auditor can check offline, or on the <a href="/verify">verify page</a>.
      </p>
      {packs.isPending ? (
        <Loading what="evidence packs" />
      ) : packs.isError ? (
        <ErrorState error={packs.error} retry={() => packs.refetch()} />
      ) : (
        <PackTable
          packs={packs.data}
          href={(name) => `/evidence-packs/${encodeURIComponent(tenantId)}/${encodeURIComponent(name)}`}
        />
      )}
    </section>
  );
}

/** The packs a share shows, when the MSP allowed it. */
export function SharedPacks({ token }: { token: string }) {
  const trpc = useTRPC();
  const packs = useQuery(trpc.shared.packs.queryOptions());
  return (
    <section aria-labelledby="packs-h">
      <h2 id="packs-h">Evidence packs</h2>
      {packs.isPending ? (
        <Loading what="evidence packs" />
      ) : packs.isError ? (
        <ErrorState error={packs.error} retry={() => packs.refetch()} />
      ) : (
        <PackTable
          packs={packs.data}
          href={(name) => `/s/${encodeURIComponent(token)}/evidence-packs/${encodeURIComponent(name)}`}
        />
      )}
    </section>
  );
}
