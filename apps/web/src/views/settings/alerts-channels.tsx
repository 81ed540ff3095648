import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading } from '../../ui.tsx';
import { Field, FormError } from '../form.tsx';
import { type JsonSchema, SchemaForm, toPayload, toValues, type Values } from '../schema-form.tsx';
import { PSA_KINDS, PsaCompanies } from './alerts-psa.tsx';

type Api = ReturnType<typeof useTRPC>;
type Channel = inferOutput<Api['alerts']['channels']['list']>[number];

const KIND_WORDS: Record<string, string> = {
  webhook: 'Webhook',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  email: 'E-mail',
  connectwise: 'ConnectWise PSA',
  autotask: 'Autotask',
  halopsa: 'HaloPSA',
};
const kindWord = (kind: string) => KIND_WORDS[kind] ?? kind;

/** The form's view of a schema: a switch is never `required` there, which to a browser means "must be ticked". */
const formSchema = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  required: (schema.required ?? []).filter((k) => schema.properties?.[k]?.type !== 'boolean'),
});

/** A required switch left off is `false`, which the generic form leaves out (e-mail's `secure`). */
function settingsPayload(schema: JsonSchema, values: Values): Values {
  const out = toPayload(schema, values);
  for (const [key, prop] of Object.entries(schema.properties ?? {}))
    if (prop.type === 'boolean' && schema.required?.includes(key) && out[key] === undefined) out[key] = false;
  return out;
}

/** Where alerts go: every kind the server knows, each with its settings form; secrets are typed, never shown. */
export function AlertChannels({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const channels = useQuery(trpc.alerts.channels.list.queryOptions());
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  return (
    <section aria-labelledby="alert-channels-h">
      <h2 id="alert-channels-h">Channels</h2>
      {channels.isPending ? (
        <Loading what="alert channels" />
      ) : channels.isError ? (
        <ErrorState error={channels.error} retry={() => channels.refetch()} />
      ) : channels.data.length === 0 ? (
        <Empty>
          <p>No channel yet: alerts go nowhere until one is added and a rule sends to it.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {channels.data.map((c) => (
            <ChannelCard key={c.id} channel={c} canEdit={canEdit} onEdit={() => setEditing(c)} />
          ))}
        </ul>
      )}
      {canEdit &&
        (editing ? (
          <ChannelEditor
            key={editing === 'new' ? 'new' : editing.id}
            existing={editing === 'new' ? undefined : editing}
            onDone={() => setEditing(null)}
          />
        ) : (
          <button type="button" onClick={() => setEditing('new')}>
            Add a channel
          </button>
        ))}
    </section>
  );
}

function ChannelCard({ channel, canEdit, onEdit }: { channel: Channel; canEdit: boolean; onEdit(): void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const invalidate = () => client.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const test = useMutation(trpc.alerts.channels.test.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.alerts.channels.remove.mutationOptions({ onSuccess: invalidate }));
  const where = Object.entries(channel.config)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
  return (
    <li className="card" aria-label={`Channel ${channel.name}`}>
      <h3>
        {channel.name} <span className="muted">({kindWord(channel.kind)})</span>
      </h3>
      <p className="muted">{where || 'Its address is a secret and is not shown.'}</p>
      {canEdit && (
        <div className="actions">
          <button type="button" disabled={test.isPending} onClick={() => test.mutate({ channelId: channel.id })}>
            Send a test<span className="visually-hidden"> to {channel.name}</span>
          </button>
          <button type="button" onClick={onEdit}>
            Edit<span className="visually-hidden"> {channel.name}</span>
          </button>
          <button
            type="button"
            disabled={remove.isPending}
            onClick={() => {
              if (confirm(`Remove ${channel.name}, its rules and its delivery log?`))
                remove.mutate({ channelId: channel.id });
            }}
          >
            Remove<span className="visually-hidden"> {channel.name}</span>
          </button>
        </div>
      )}
      {test.data && (
        <p role="status">
          Test {test.data.queued ? 'queued' : 'recorded; the worker picks it up shortly'}: see the delivery log below.
        </p>
      )}
      <FormError error={test.error ?? remove.error} />
      {PSA_KINDS.has(channel.kind) && <PsaCompanies channel={channel} canEdit={canEdit} />}
    </li>
  );
}

/** Adds or edits a channel from its kind's schemas; an edit keeps the stored secret unless one is typed again. */
function ChannelEditor({ existing, onDone }: { existing?: Channel | undefined; onDone(): void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const kinds = useQuery(trpc.alerts.channels.kinds.queryOptions());
  const [kind, setKind] = useState(existing?.kind ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [config, setConfig] = useState<Values | null>(null);
  const [secret, setSecret] = useState<Values>({});
  const done = async () => {
    await client.invalidateQueries({ queryKey: trpc.alerts.channels.list.queryKey() });
    onDone();
  };
  const create = useMutation(trpc.alerts.channels.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.alerts.channels.update.mutationOptions({ onSuccess: done }));
  if (kinds.isPending) return <Loading what="channel settings" />;
  if (kinds.isError) return <ErrorState error={kinds.error} retry={() => kinds.refetch()} />;
  const spec = kinds.data.find((k) => k.kind === kind);
  const configSchema = spec?.configSchema as JsonSchema | undefined;
  const secretSchema = spec?.secretSchema as JsonSchema | undefined;
  const values = config ?? (existing && configSchema ? toValues(configSchema, existing.config) : {});
  const secretTyped = Object.values(secret).some((v) => v !== '' && v !== undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = configSchema ? settingsPayload(configSchema, values) : {};
    const s = secretSchema ? toPayload(secretSchema, secret) : {};
    if (existing) update.mutate({ channelId: existing.id, name, config: c, ...(secretTyped ? { secret: s } : {}) });
    else create.mutate({ kind, name, config: c, secret: s });
  };
  const heading = existing ? `Edit ${existing.name}` : 'Add a channel';
  return (
    <form className="card" onSubmit={submit} aria-label={heading}>
      <h3>{heading}</h3>
      {!existing && (
        <Field id="channel-kind" label="Kind">
          <select
            id="channel-kind"
            required
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              setConfig(null);
              setSecret({});
            }}
          >
            <option value="">Choose a kind…</option>
            {kinds.data.map((k) => (
              <option key={k.kind} value={k.kind}>
                {kindWord(k.kind)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field id="channel-name" label="Name">
        <input id="channel-name" required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      {configSchema && Object.keys(configSchema.properties ?? {}).length > 0 && (
        <SchemaForm schema={formSchema(configSchema)} values={values} onChange={setConfig} legend="Settings" />
      )}
      {secretSchema && (
        <>
          <SchemaForm
            schema={secretSchema}
            values={secret}
            onChange={setSecret}
            secret
            legend={existing ? 'Secret (leave blank to keep the stored one)' : 'Secret'}
          />
          <p className="muted">
            Secrets are stored encrypted and never shown again. Changing where a channel sends needs its secret again.
          </p>
        </>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!spec || create.isPending || update.isPending}>
          {existing ? 'Save changes' : 'Save channel'}
        </button>
        <button type="button" className="link-button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <FormError error={create.error ?? update.error} />
    </form>
  );
}
