import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { plural } from '../messages.tsx';
import { useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../ui.tsx';
import { Confirmed } from './confirm.tsx';
import { ConnectionEditor } from './connection-editor.tsx';

const HEALTH_WORDS = { ok: 'Healthy', needs_attention: 'Needs attention', disabled: 'Disabled' } as const;
const RUN_WORDS = { succeeded: 'collected', partial: 'partly collected', failed: 'failed' } as const;

export function Connections({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.connections.list.queryOptions({ tenantId: tenantId as never }));
  const kinds = useQuery(trpc.connections.kinds.queryOptions());
  const titleOf = (kind: string) => kinds.data?.providers.find((p) => p.kind === kind)?.title ?? kind;
  // 'new', a connection id being edited, or nothing.
  const [editing, setEditing] = useState<string | null>(null);
  const close = () => setEditing(null);
  const edited = list.data?.find((c) => c.id === editing);
  const client = useQueryClient();
  const remove = useMutation(trpc.connections.delete.mutationOptions({ onSuccess: () => client.invalidateQueries() }));
  return (
    <section aria-labelledby="connections-h">
      <h2 id="connections-h">Connections</h2>
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          Add a connection
        </button>
      ) : (
        <ConnectionEditor tenantId={tenantId} existing={edited} onDone={close} key={editing} />
      )}
      {list.isPending ? (
        <Loading what="connections" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>
          <p>No connections yet: without one, every control stays unknown.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {list.data.map((c) => (
            <li key={c.id} className="card">
              <h3>
                {c.name} <small className="muted">({titleOf(c.kind)})</small>
              </h3>
              <p>
                {c.status === 'ok' && !c.last ? (
                  <span className="health">Not collected yet</span>
                ) : (
                  <span className={`health health-${c.status}`}>{HEALTH_WORDS[c.status]}</span>
                )}
                {c.statusReason && <> — {c.statusReason}</>}
              </p>
              {c.watch && (
                <p>
                  {c.watch.state === 'failing' && c.watch.error ? (
                    <>Changes are not watched: {c.watch.error.message} Scheduled assessments go on.</>
                  ) : c.watch.state === 'watching' ? (
                    <>
                      Watching for changes
                      {c.watch.lastReadAt && (
                        <>
                          , last read <Time iso={c.watch.lastReadAt} />
                        </>
                      )}
                      {c.watch.lastChangeAt ? (
                        <>
                          ; last change seen <Time iso={c.watch.lastChangeAt} />
                        </>
                      ) : (
                        '; no change seen yet'
                      )}
                      .
                    </>
                  ) : (
                    'Change watching starts once the first collection has measured what a read may cost.'
                  )}
                </p>
              )}
              <p>
                {c.last ? (
                  <>
                    Last {RUN_WORDS[c.last.status]} <Time iso={c.last.finishedAt} />: {plural(c.last.facts, 'fact')},{' '}
                    {plural(c.last.gaps, 'gap')}.
                  </>
                ) : (
                  'Never collected.'
                )}
              </p>
              {c.status !== 'disabled' && editing === null && (
                <button type="button" className="link-button" onClick={() => setEditing(c.id)}>
                  Edit {c.name}
                </button>
              )}{' '}
              {c.status !== 'disabled' && editing === null && (
                <Confirmed
                  trigger="Remove"
                  target={c.name}
                  question={
                    <>
                      Remove <strong>{c.name}</strong>? It is no longer collected, and the controls it answered become
                      unknown at the next assessment. What it collected stays in the history.
                    </>
                  }
                  confirm={`Remove ${c.name}`}
                  run={() => remove.mutate({ tenantId: tenantId as never, connectionId: c.id as never })}
                  pending={remove.isPending}
                  error={remove.error}
                />
              )}
              {c.gaps.length > 0 && (
                <ul className="gaps">
                  {c.gaps.map((g) => (
                    <li key={g.code + (g.permission ?? '')}>
                      <strong>{g.message}</strong> {g.remedy}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
