import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Problems } from '../messages.tsx';
import { navigate } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { Confirmed } from './confirm.tsx';
import { Field } from './form.tsx';

/** Rename a tenant, or delete it after a confirmation that says what goes. */
export function TenantManage({ tenantId, name }: { tenantId: string; name: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const rename = useMutation(
    trpc.tenant.rename.mutationOptions({
      onSuccess: async () => {
        setRenaming(false);
        await client.invalidateQueries();
      },
    }),
  );
  const remove = useMutation(
    trpc.tenant.delete.mutationOptions({
      onSuccess: async () => {
        await client.invalidateQueries();
        navigate({ name: 'portfolio' });
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    rename.mutate({ tenantId: tenantId as never, name: String(new FormData(e.currentTarget).get('name') ?? '') });
  };
  return (
    <div className="tabs">
      <button type="button" className="link-button" aria-expanded={renaming} onClick={() => setRenaming(!renaming)}>
        Rename<span className="visually-hidden"> {name}</span>
      </button>{' '}
      ·{' '}
      <Confirmed
        trigger="Delete"
        target={name}
        question={
          <>
            Delete <strong>{name}</strong>? It leaves the portfolio, its connections are no longer collected and every
            live share link to it stops working. Its assessments and audit entries are kept.
          </>
        }
        confirm={`Delete ${name}`}
        run={() => remove.mutate({ tenantId: tenantId as never })}
        pending={remove.isPending}
        error={remove.error}
      />
      {renaming && (
        <form className="card" onSubmit={submit} aria-label={`Rename ${name}`}>
          <Field id="tenant-name" label="New name">
            <input id="tenant-name" name="name" defaultValue={name} required maxLength={200} />
          </Field>
          <Problems error={rename.error} labels={{ name: 'New name' }} />
          <button type="submit" className="primary" disabled={rename.isPending}>
            Save the name
          </button>{' '}
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}
