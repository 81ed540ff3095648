import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../trpc.ts';
import { ErrorState, Loading } from '../ui.tsx';
import { Field } from './form.tsx';
import { ProviderGuide } from './provider-guide.tsx';
import { type JsonSchema, SchemaForm, titleAt, toPayload, toValues, type Values, variantsOf } from './schema-form.tsx';

type Kind = 'entra' | 'github' | 'gcp-logging' | 'google-workspace' | 'aws';
const STATUS_WORDS = { granted: 'Granted', missing: 'Missing', unknown: 'Could not tell' } as const;

export interface Existing {
  id: string;
  kind: Kind;
  name: string;
  config: Values;
}

interface Issue {
  path: string;
  message: string;
}

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;

/** A refusal's issues by form ("config"/"secret") and field path, each worded with the field's title. */
export function placeIssues(error: unknown, config?: JsonSchema, secret?: JsonSchema) {
  const issues = (error as { data?: { issues?: Issue[] } } | null)?.data?.issues ?? [];
  const byField = { config: {} as Record<string, string>, secret: {} as Record<string, string> };
  const lines = issues.map(({ path, message }) => {
    const parts = path.split('.');
    const form = parts[0] === 'secret' ? 'secret' : 'config';
    const rest = parts[0] === 'secret' || parts[0] === 'config' ? parts.slice(1) : parts;
    const schema = form === 'secret' ? secret : config;
    const title = (schema && titleAt(schema, rest)) ?? (form === 'secret' ? 'Credentials' : rest.join(' '));
    if (rest.length > 0) byField[form][rest.join('.')] = sentence(message);
    return /^(is|has|must|needs|changed|enter) /.test(message) ? `${title} ${message}` : `${title}: ${message}`;
  });
  return { byField, lines };
}

/**
 * Adds or edits a connection: settings and credentials from the connector's own schemas, the live check before
 * saving. Credentials are write-only: an edit leaves them blank, and keeps the stored ones unless a setting they are
 * bound to changes. A failed check stops the save unless the user saves anyway.
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
  const [initial, setInitial] = useState<Values | null>(null);
  const [secret, setSecret] = useState<Values>({});
  const [blocked, setBlocked] = useState(false);
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
  const spec = kinds.data.providers.find((k) => k.kind === kind);
  const configSchema = spec?.configSchema as JsonSchema | undefined;
  const secretSchema = spec?.secretSchema as JsonSchema | undefined;
  if (existing && configSchema && initial === null) {
    const values = toValues(configSchema, existing.config);
    setConfig(values);
    setInitial(values);
  }
  const payload = () => ({
    config: configSchema ? toPayload(configSchema, config) : {},
    secret: secretSchema ? toPayload(secretSchema, secret) : {},
  });
  // Settings the stored credentials are bound to, changed in this edit: the credentials must be given again.
  const rebound =
    existing && configSchema && initial
      ? (spec?.credentialBound ?? []).filter((key) => {
          const before = toPayload(configSchema, initial)[key];
          return JSON.stringify(before) !== JSON.stringify(toPayload(configSchema, config)[key]);
        })
      : [];
  const variantKey = secretSchema && variantsOf(secretSchema)?.key;
  const secretTyped = Object.entries(secret).some(([k, v]) => k !== variantKey && v !== '' && v !== undefined);
  const withSecret = secretTyped || !existing || rebound.length > 0;
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setBlocked(false);
      check.reset();
      create.reset();
      update.reset();
    };
  const checkInput = () => {
    const p = payload();
    return {
      tenantId: tid,
      kind: kind as Kind,
      config: p.config,
      ...(withSecret ? { secret: p.secret } : { connectionId: existing!.id as never }),
    };
  };
  const save = (anyway: boolean) => {
    const p = payload();
    const flag = anyway ? { saveAnyway: true as const } : {};
    if (existing)
      update.mutate({
        tenantId: tid,
        connectionId: existing.id as never,
        config: p.config,
        ...(withSecret ? { secret: p.secret } : {}),
        ...flag,
      });
    else create.mutate({ tenantId: tid, kind: kind as Kind, name, config: p.config, secret: p.secret, ...flag });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!kind) return;
    const result = await check.mutateAsync(checkInput()).catch(() => null);
    if (result?.ok) save(false);
    else if (result) setBlocked(true);
  };
  const error = check.error ?? create.error ?? update.error;
  const issues = placeIssues(error, configSchema, secretSchema);
  const boundTitles = rebound.map((k) => (configSchema && titleAt(configSchema, [k])) ?? k);
  const heading = existing ? `Edit ${existing.name}` : 'Add a connection';
  const saving = create.isPending || update.isPending || check.isPending;
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
                edited(setKind)(e.target.value as Kind);
                setConfig({});
                setSecret({});
              }}
            >
              <option value="">Choose a provider…</option>
              {kinds.data.providers.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.title}
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
              onChange={(e) => edited(setName)(e.target.value)}
            />
          </Field>
        </>
      )}
      {configSchema && spec && <ProviderGuide schema={configSchema} permissions={spec.permissions} />}
      {configSchema && (
        <SchemaForm
          schema={configSchema}
          values={config}
          onChange={edited(setConfig)}
          legend="Settings"
          showEndpoints={kinds.data.endpointOverrides}
          errors={issues.byField.config}
        />
      )}
      {secretSchema && (
        <>
          {rebound.length > 0 && (
            <p className="form-error" role="alert">
              You changed {boundTitles.join(' and ')}: the stored credentials are bound to{' '}
              {rebound.length > 1 ? 'them' : 'it'}, so enter the credentials again.
            </p>
          )}
          <SchemaForm
            schema={secretSchema}
            values={secret}
            onChange={edited(setSecret)}
            secret
            requireFields={!existing || rebound.length > 0}
            legend={
              existing && rebound.length === 0 ? 'Credentials (leave blank to keep the stored ones)' : 'Credentials'
            }
            errors={issues.byField.secret}
          />
          <p className="muted">Credentials are stored encrypted and never shown again.</p>
        </>
      )}
      {spec && (
        <div className="actions">
          <button type="button" onClick={() => check.mutate(checkInput())} disabled={saving}>
            {check.isPending ? 'Checking…' : 'Check access'}
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {existing ? 'Save changes' : 'Save connection'}
          </button>
          {blocked && (
            <button type="button" onClick={() => save(true)} disabled={saving}>
              Save anyway
            </button>
          )}
          <button type="button" className="link-button" onClick={onDone}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <div className="form-error" role="alert">
          <p>{sentence(error.message)}</p>
          {issues.lines.length > 0 && (
            <ul>
              {issues.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
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
          {blocked && (
            <p>
              Not saved: grant what is missing and save again, or choose <strong>Save anyway</strong> to keep the
              connection marked as needing attention until a collection succeeds.
            </p>
          )}
        </div>
      )}
    </form>
  );
}
