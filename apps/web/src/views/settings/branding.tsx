import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useEffect, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { ErrorState, Loading } from '../../ui.tsx';
import { Field, FormError } from '../form.tsx';
import { atLeast, type Role } from './roles.ts';

const DEFAULT_ACCENT = '#1f6feb';
const MAX_LOGO_BYTES = 150_000;
const LOGO_TYPES = ['image/png', 'image/svg+xml', 'image/jpeg', 'image/webp'];

interface Branding {
  displayName: string;
  logoUrl: string | null;
  accentColor: string;
}

/** How the shared view looks to customers: name, logo and accent colour, with a live preview. */
export function BrandingSettings({ role, organizationName }: { role: Role; organizationName: string }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const branding = useQuery(trpc.organization.branding.queryOptions());
  const save = useMutation(
    trpc.organization.setBranding.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.organization.branding.queryKey() }),
    }),
  );
  const [draft, setDraft] = useState<Branding | null>(null);
  const [logoError, setLogoError] = useState<string | null>(null);
  useEffect(() => {
    if (branding.isSuccess && draft === null)
      setDraft(branding.data ?? { displayName: organizationName, logoUrl: null, accentColor: DEFAULT_ACCENT });
  }, [branding.isSuccess, branding.data, draft, organizationName]);
  if (branding.isPending) return <Loading what="branding" />;
  if (branding.isError) return <ErrorState error={branding.error} retry={() => branding.refetch()} />;
  if (!draft) return null;
  const canEdit = atLeast(role, 'admin');
  const update = (patch: Partial<Branding>) => {
    save.reset();
    setDraft({ ...draft, ...patch });
  };
  const pickLogo = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    // A new pick is a new draft: what was saved before says nothing about it.
    save.reset();
    setLogoError(null);
    if (!file) return;
    if (!LOGO_TYPES.includes(file.type)) return setLogoError('Choose a PNG, SVG, JPEG or WebP image.');
    if (file.size > MAX_LOGO_BYTES) return setLogoError('The logo must be smaller than 150 KB.');
    const reader = new FileReader();
    reader.onload = () => update({ logoUrl: String(reader.result) });
    reader.readAsDataURL(file);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  return (
    <div className="split">
      <form className="card" onSubmit={submit} aria-labelledby="branding-h">
        <h2 id="branding-h">Shared view branding</h2>
        <p className="muted">Customers see this on the links you share with them.</p>
        {branding.data === null && (
          <p role="note">Not set yet: shared views show your organization's name and the default colour.</p>
        )}
        {!canEdit && <p role="note">Only an admin or owner can change the branding.</p>}
        <fieldset disabled={!canEdit} className="plain">
          <Field id="display-name" label="Display name">
            <input
              id="display-name"
              value={draft.displayName}
              maxLength={200}
              required
              onChange={(e) => update({ displayName: e.currentTarget.value })}
            />
          </Field>
          <Field id="logo" label="Logo" hint="PNG, SVG, JPEG or WebP, under 150 KB; shown 24 pixels high.">
            <input
              id="logo"
              type="file"
              accept={LOGO_TYPES.join(',')}
              aria-describedby="logo-hint"
              onChange={pickLogo}
            />
          </Field>
          {logoError && <p role="alert">{logoError}</p>}
          {draft.logoUrl && (
            <button type="button" onClick={() => update({ logoUrl: null })}>
              Remove logo
            </button>
          )}
          <Field id="accent" label="Accent colour" hint="The bar along the top of the shared view.">
            <input
              id="accent"
              type="color"
              value={draft.accentColor}
              aria-describedby="accent-hint"
              onChange={(e) => update({ accentColor: e.currentTarget.value })}
            />
          </Field>
        </fieldset>
        <FormError error={save.error} />
        {canEdit && (
          <button type="submit" className="primary" disabled={save.isPending}>
            Save branding
          </button>
        )}
        <p aria-live="polite">{save.isSuccess && !logoError && 'Saved: shared views use it from now on.'}</p>
      </form>
      <section className="card" aria-labelledby="preview-h">
        <h2 id="preview-h">Preview</h2>
        <div className="brand-preview" style={{ borderTopColor: draft.accentColor }} data-testid="brand-preview">
          <span className="brand">
            {draft.logoUrl && <img src={draft.logoUrl} alt="" height={24} />} {draft.displayName || organizationName}
          </span>
          <p className="muted">Contoso Ltd · read-only view shared by {draft.displayName || organizationName}</p>
          <span className="swatch" style={{ background: draft.accentColor }} aria-hidden="true" />{' '}
          <code>{draft.accentColor}</code>
        </div>
      </section>
    </div>
  );
}
