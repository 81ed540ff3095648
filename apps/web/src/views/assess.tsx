import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { plural, problems } from '../messages.tsx';
import { useTRPC } from '../trpc.ts';
import { pct } from '../ui.tsx';

interface RunProgress {
  runId: string;
  status: string;
  connections: { connectionId: string; phase: string; pages: number; facts: number; gaps: number; done: boolean }[];
}

/** Starts an assessment and follows it live, per connection, until the new verdicts are in. */
export function AssessNow({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const tid = tenantId as never;
  const [runId, setRunId] = useState<string | null>(null);
  // The last update is kept here: the subscription hook drops its data when the stream ends, and the server ends the
  // stream right after the final update, so reading the hook's data would lose the 100 % at random.
  const [data, setData] = useState<RunProgress | undefined>(undefined);
  const assess = useMutation(
    trpc.tenant.assessNow.mutationOptions({
      onSuccess: (d) => {
        setData(undefined);
        setRunId(d.runId);
      },
    }),
  );
  const connections = useQuery(trpc.connections.list.queryOptions({ tenantId: tid }));
  const progress = useSubscription(
    trpc.tenant.runProgress.subscriptionOptions(
      { tenantId: tid, runId: (runId ?? '') as never },
      { enabled: runId !== null, onData: (update) => setData(update) },
    ),
  );
  const finished = data !== undefined && data.status !== 'running';
  // The stream failed, or lost the server and is trying to reach it again: nothing more will come for now.
  const lost = !finished && (progress.status === 'error' || (progress.status === 'connecting' && !!progress.error));
  const running = assess.isPending || (runId !== null && !finished && !lost);
  useEffect(() => {
    if (finished) void client.invalidateQueries();
  }, [finished, client]);
  const names = new Map(connections.data?.map((c) => [c.id as string, c.name]));
  const total = data?.connections.length ?? 0;
  const done = data?.connections.filter((c) => c.done).length ?? 0;
  const overall = finished ? 100 : total ? (done / total) * 100 : 0;
  return (
    <div className="assess">
      <button
        type="button"
        className="primary"
        onClick={() => {
          setRunId(null);
          setData(undefined);
          assess.mutate({ tenantId: tid });
        }}
        disabled={running}
      >
        {running ? 'Assessing…' : 'Assess now'}
      </button>
      {assess.isError && <p role="alert">Not started: {problems(assess.error)[0]?.message}</p>}
      {runId && (
        <section aria-label="Assessment progress" aria-live="polite">
          <p>
            <progress max={100} value={overall} aria-label="Overall progress" /> {pct(overall)}
            {finished && data.status !== 'failed' && ' — done; the verdicts below are new.'}
            {finished && data.status === 'failed' && ' — the assessment failed; the last good verdicts stay.'}
          </p>
          {lost && (
            <p role="alert">
              Progress stopped: {problems(progress.error)[0]?.message} The assessment may still finish; its verdicts
              appear on this page once it does.
            </p>
          )}
          <ul className="progress-list">
            {data?.connections.map((c) => (
              <li key={c.connectionId}>
                <strong>{names.get(c.connectionId) ?? c.connectionId}</strong>:{' '}
                <progress
                  max={1}
                  value={c.done ? 1 : undefined}
                  aria-label={`${names.get(c.connectionId) ?? c.connectionId} progress`}
                />{' '}
                {[
                  c.done ? 'done' : c.phase,
                  // A finished collection's page count is no longer known: no "0 pages" beside its facts.
                  ...(c.pages > 0 ? [plural(c.pages, 'page')] : []),
                  plural(c.facts, 'fact'),
                  plural(c.gaps, 'gap'),
                ].join(' · ')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
