import type { ReactNode } from 'react';

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
