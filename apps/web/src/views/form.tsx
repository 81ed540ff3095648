import { type ReactNode, useState } from 'react';

/** A labelled field; its hint and error are tied to the input for assistive technology. */
export function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

/** The refusal in words, with what the server named (`data.issues`: the field and the problem). */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const issues = (error as { data?: { issues?: { path: string; message: string }[] } }).data?.issues ?? [];
  return (
    <div className="form-error" role="alert">
      <p>{error instanceof Error ? error.message : 'That did not work.'}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={i.path + i.message}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A new password, as sign-up and invitation acceptance ask for it. */
export function NewPasswordField() {
  return (
    <Field id="password" label="Password" hint="At least 12 characters.">
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={12}
        aria-describedby="password-hint"
        required
      />
    </Field>
  );
}

/** A link shown once (a share or an invitation), read-only with a copy button. */
export function CopyLink({ label, link, testId }: { label: string; link: string; testId: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <p>
      <input aria-label={label} readOnly value={link} className="wide" data-testid={testId} />{' '}
      <button
        type="button"
        onClick={() =>
          navigator.clipboard?.writeText(link).then(
            () => setCopied(link),
            () => setCopied(null),
          )
        }
      >
        {copied === link ? 'Copied' : 'Copy link'}
      </button>
    </p>
  );
}
