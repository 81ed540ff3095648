import { type ReactNode, useId, useState } from 'react';
import { FormError } from './form.tsx';

/**
 * A destructive action behind a second step that says what goes. The trigger names its target for screen readers;
 * the confirmation is an inline alert dialog, so focus and the page stay where the person was.
 */
export function Confirmed({
  trigger,
  target,
  question,
  confirm,
  run,
  pending,
  error,
}: {
  /** The trigger's visible words, e.g. "Remove". */
  trigger: string;
  /** What it acts on, read after the trigger by screen readers. */
  target: string;
  question: ReactNode;
  /** The confirming button's words, naming the target, e.g. "Remove Contoso Entra". */
  confirm: string;
  run: () => void;
  pending: boolean;
  error: unknown;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <button type="button" className="link-button danger" aria-expanded={open} onClick={() => setOpen(!open)}>
        {trigger}
        <span className="visually-hidden"> {target}</span>
      </button>
      {open && (
        <div role="alertdialog" aria-labelledby={id} className="card confirm">
          <p id={id}>{question}</p>
          <FormError error={error} />
          <button type="button" className="danger" disabled={pending} onClick={run}>
            {confirm}
          </button>{' '}
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      )}
    </>
  );
}
