import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../trpc.ts';
import { ErrorState, Loading } from '../ui.tsx';
import { Field, FormError } from './form.tsx';
import { type JsonSchema, SchemaForm, toPayload, toValues, type Values } from './schema-form.tsx';

type Kind = 'entra' | 'github' | 'gcp-logging';
const STATUS_WORDS = { granted: 'Granted', missing: 'Missing', unknown: 'Could not tell' } as const;

export interface Existing {
  id: string;
  kind: Kind;
  name: string;
  config: Values;
}

/**
 * Adds or edits a connection: settings and credentials from the connector's own schemas, the live check before
 * saving. Credentials are write-only: an edit leaves them blank, and keeps the stored ones unless typed again.
 */
export function ConnectionEditor({
  tenantId,
  existing,
  onDone,
}: {
  tenantId: string;
  existing?: Existing;
  onDone(): void;
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const kinds = useQuery(trpc.connections.kinds.queryOptions());
  const [kind, setKind] = useState<Kind | ''>(existing?.kind ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [config, setConfig] = useState<Values>({});
  const [secret, setSecret] = useState<Values>({});
  const [loaded, setLoaded] = useState(false);
  const tid = tenantId as never;
  const done = async () => {
    await client.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
    onDone();
  };
  const check = useMutation(trpc.connections.check.mutationOptions());
  const create = useMutation(trpc.connections.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.connections.update.mutationOptions({ onSuccess: done }));
  if (kinds.isPending) return <Loading what="connector settings" />;
  if (kinds.isError) return <ErrorState error={kinds.error} retry={() => kinds.refetch()} />;
  const spec = kinds.data.find((k) => k.kind === kind);
  const configSchema = spec?.configSchema as JsonSchema | undefined;
  const secretSchema = spec?.secretSchema as JsonSchema | undefined;
  if (existing && configSchema && !loaded) {
    setConfig(toValues(configSchema, existing.config));
    setLoaded(true);
  }
  const payload = () => ({
    config: configSchema ? toPayload(configSchema, config) : {},
    secret: secretSchema ? toPayload(secretSchema, secret) : {},
  });
  const secretTyped = Object.values(secret).some((v) => v !== '' && v !== undefined);
  const runCheck = () => {
    if (!kind) return;
    const p = payload();
    check.mutate({
      tenantId: tid,
      kind,
      config: p.config,
      ...(secretTyped
        ? { secret: p.secret }
        : existing
          ? { connectionId: existing.id as never }
          : { secret: p.secret }),
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!kind) return;
    const p = payload();
    if (existing)
      update.mutate({
        tenantId: tid,
        connectionId: existing.id as never,
        config: p.config,
        ...(secretTyped ? { secret: p.secret } : {}),
      });
    else create.mutate({ tenantId: tid, kind, name, config: p.config, secret: p.secret });
  };
  const heading = existing ? `Edit ${existing.name}` : 'Add a connection';
  return (
    <form className="card" onSubmit={submit} aria-label={heading}>
      <h3>{heading}</h3>
      {!existing && (
        <>
          <Field id="connection-kind" label="Provider">
            <select
              id="connection-kind"
              value={kind}
              required
              onChange={(e) => {
                setKind(e.target.value as Kind);
                setConfig({});
                setSecret({});
                check.reset();
              }}
            >
              <option value="">Choose a provider…</option>
              {kinds.data.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.kind}
                </option>
              ))}
            </select>
          </Field>
          <Field id="connection-name" label="Name" hint="How this connection is shown, e.g. contoso-github.">
            <input
              id="connection-name"
              required
              aria-describedby="connection-name-hint"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
        </>
      )}
      {configSchema && <SchemaForm schema={configSchema} values={config} onChange={setConfig} legend="Settings" />}
      {secretSchema && (
        <>
          <SchemaForm
            schema={secretSchema}
            values={secret}
            onChange={setSecret}
            secret
            legend={existing ? 'Credentials (leave blank to keep the stored ones)' : 'Credentials'}
          />
          <p className="muted">Credentials are stored encrypted and never shown again.</p>
        </>
      )}
      {spec && (
        <div className="actions">
          <button type="button" onClick={runCheck} disabled={check.isPending}>
            {check.isPending ? 'Checking…' : 'Check access'}
          </button>
          <button type="submit" className="primary" disabled={create.isPending || update.isPending}>
            {existing ? 'Save changes' : 'Save connection'}
          </button>
          <button type="button" className="link-button" onClick={onDone}>
            Cancel
          </button>
        </div>
      )}
      <FormError error={check.error ?? create.error ?? update.error} />
      {check.data && (
        <div role="status" aria-label="Access check">
          <p>
            <strong>
              {check.data.ok ? 'Everything needed is granted.' : 'Something this connection needs is missing:'}
            </strong>
          </p>
          <ul className="check-items">
            {check.data.items.map((i) => (
              <li key={`${i.kind}-${i.name}`} className={`check-${i.status}`}>
                <strong>{STATUS_WORDS[i.status]}</strong> — {i.name} ({i.kind}): {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
