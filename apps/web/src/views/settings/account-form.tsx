import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Problems } from '../../messages.tsx';
import { useTRPC } from '../../trpc.ts';
import { ErrorState, Loading } from '../../ui.tsx';
import { placeIssues } from '../connection-editor.tsx';
import { Field } from '../form.tsx';
import { ProviderGuide } from '../provider-guide.tsx';
import { type JsonSchema, SchemaForm, titleAt, toPayload, type Values } from '../schema-form.tsx';

export type AccountKind = 'entra' | 'github' | 'gcp-logging';

/** What one MSP-level credential is for each provider, in the words its console uses. */
export const ACCOUNT_WORDS: Record<AccountKind, { what: string; hint: string }> = {
  entra: {
    what: 'Microsoft multi-tenant app',
    hint: 'The app registered in your partner tenant. Microsoft recommends a certificate over a client secret.',
  },
  github: {
    what: 'GitHub App',
    hint: 'Your GitHub App: its id and a private key (.pem) from the App’s settings page. Each customer installs it.',
  },
  'gcp-logging': {
    what: 'Google Cloud service account',
    hint: 'A service account granted read access on your customers’ folders or projects: paste its JSON key.',
  },
};

/** The label the form shows for each field of a schema, keyed by the path the API names in its refusals. */
export function labelsOf(schema: JsonSchema | undefined, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!schema) return out;
  for (const candidate of [schema, ...(schema.oneOf ?? schema.anyOf ?? [])])
    for (const key of Object.keys(candidate.properties ?? {})) {
      const title = titleAt(schema, [key]);
      if (title) out[`${prefix}.${key}`] = title;
      Object.assign(out, labelsOf(candidate.properties?.[key], `${prefix}.${key}`));
    }
  return out;
}

const useAccountSchemas = () => {
  const trpc = useTRPC();
  return useQuery(trpc.connections.kinds.queryOptions());
};

/** A new provider account: its provider, a name, its settings and its credential, from the connector's own schemas. */
export function NewAccountForm({ onCreated, onCancel }: { onCreated(id: string): void; onCancel?: () => void }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const kinds = useAccountSchemas();
  const [kind, setKind] = useState<AccountKind | ''>('');
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Values>({});
  const [secret, setSecret] = useState<Values>({});
  const create = useMutation(
    trpc.integrations.createAccount.mutationOptions({
      onSuccess: async ({ id }) => {
        await client.invalidateQueries({ queryKey: trpc.integrations.accounts.queryKey() });
        onCreated(id);
      },
    }),
  );
  if (kinds.isPending) return <Loading what="provider settings" />;
  if (kinds.isError) return <ErrorState error={kinds.error} retry={() => kinds.refetch()} />;
  const offered = kinds.data.providers.filter(
    (p): p is typeof p & { kind: AccountKind } => p.account !== null && p.kind in ACCOUNT_WORDS,
  );
  const spec = offered.find((p) => p.kind === kind);
  const configSchema = spec?.account?.configSchema as JsonSchema | undefined;
  const secretSchema = spec?.account?.secretSchema as JsonSchema | undefined;
  const edited =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      create.reset();
    };
  const choose = (next: AccountKind | '') => {
    edited(setKind)(next);
    setConfig({});
    // Microsoft's recommended credential comes first for an Entra app.
    setSecret(next === 'entra' ? { credential: 'certificate' } : {});
    const title = offered.find((p) => p.kind === next)?.title;
    if (next && (!name || offered.some((p) => name === `${p.title} account`))) setName(`${title} account`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!kind || !configSchema || !secretSchema) return;
    create.mutate({ kind, name, config: toPayload(configSchema, config), secret: toPayload(secretSchema, secret) });
  };
  const issues = placeIssues(create.error, configSchema, secretSchema);
  const labels = {
    name: 'Name',
    kind: 'Provider',
    ...labelsOf(configSchema, 'config'),
    ...labelsOf(secretSchema, 'secret'),
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-account-h">
      <h3 id="new-account-h">Add a provider account</h3>
      <Field id="account-kind" label="Provider" hint={kind ? ACCOUNT_WORDS[kind].hint : undefined}>
        <select
          id="account-kind"
          required
          value={kind}
          aria-describedby={kind ? 'account-kind-hint' : undefined}
          onChange={(e) => choose(e.target.value as AccountKind | '')}
        >
          <option value="">Choose a provider…</option>
          {offered.map((p) => (
            <option key={p.kind} value={p.kind}>
              {p.title}: {ACCOUNT_WORDS[p.kind].what}
            </option>
          ))}
        </select>
      </Field>
      {spec && configSchema && secretSchema && (
        <>
          <Field id="account-name" label="Name" hint="How this account is shown, e.g. Contoso partner app.">
            <input
              id="account-name"
              required
              maxLength={200}
              aria-describedby="account-name-hint"
              value={name}
              onChange={(e) => edited(setName)(e.target.value)}
            />
          </Field>
          <ProviderGuide schema={spec.configSchema as JsonSchema} permissions={spec.permissions} />
          <SchemaForm
            schema={configSchema}
            values={config}
            onChange={edited(setConfig)}
            legend="Settings"
            showEndpoints={kinds.data.endpointOverrides}
            errors={issues.byField.config}
          />
          <SchemaForm
            schema={secretSchema}
            values={secret}
            onChange={edited(setSecret)}
            secret
            legend="Credential"
            errors={issues.byField.secret}
          />
          <p className="muted">The credential is stored encrypted and never shown again.</p>
        </>
      )}
      <Problems error={create.error} labels={labels} />
      <div className="actions">
        <button type="submit" className="primary" disabled={!spec || create.isPending}>
          {create.isPending ? 'Saving…' : 'Save and find customers'}
        </button>
        {onCancel && (
          <button type="button" className="link-button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** A new credential for an account, write-only: every connection made from it uses it from its next collection. */
export function RotateCredentialForm({
  account,
  onDone,
}: {
  account: { id: string; kind: AccountKind; name: string };
  onDone(rotated: boolean): void;
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const kinds = useAccountSchemas();
  const [secret, setSecret] = useState<Values>(account.kind === 'entra' ? { credential: 'certificate' } : {});
  const rotate = useMutation(
    trpc.integrations.rotateCredential.mutationOptions({
      onSuccess: async () => {
        await client.invalidateQueries({ queryKey: trpc.integrations.accounts.queryKey() });
        onDone(true);
      },
    }),
  );
  if (kinds.isPending) return <Loading what="provider settings" />;
  if (kinds.isError) return <ErrorState error={kinds.error} retry={() => kinds.refetch()} />;
  const schema = kinds.data.providers.find((p) => p.kind === account.kind)?.account?.secretSchema as
    | JsonSchema
    | undefined;
  if (!schema) return null;
  const issues = placeIssues(rotate.error, undefined, schema);
  return (
    <form
      className="card"
      aria-label={`Replace the credential of ${account.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        rotate.mutate({ accountId: account.id as never, secret: toPayload(schema, secret) });
      }}
    >
      <SchemaForm
        schema={schema}
        values={secret}
        onChange={(v) => {
          setSecret(v);
          rotate.reset();
        }}
        secret
        legend={`New credential for ${account.name}`}
        errors={issues.byField.secret}
      />
      <p className="muted">Every connection made from this account uses the new credential from its next collection.</p>
      <Problems error={rotate.error} labels={labelsOf(schema, 'secret')} />
      <div className="actions">
        <button type="submit" className="primary" disabled={rotate.isPending}>
          Replace the credential
        </button>
        <button type="button" className="link-button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
