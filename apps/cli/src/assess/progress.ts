import type { Progress } from '@evident/connector-kit';

function line(p: Progress): string {
  const waits =
    p.throttleWaits > 0 ? `, throttled ${p.throttleWaits}× (${(p.waitedMs / 1000).toFixed(1)} s waited)` : '';
  return `${p.connection}: ${p.phase} — ${p.pages} pages, ${p.facts} facts, ${p.gaps} gaps${waits}`;
}

/**
 * A live line per connection on a terminal (redrawn in place); elsewhere a line when a connection moves to a new
 * phase, so logs stay readable.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const latest = new Map<string, Progress>();
  const phases = new Map<string, string>();
  let drawn = 0;
  let last = 0;

  const redraw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    if (drawn > 0) stream.write(`\u001b[${drawn}A`);
    for (const p of latest.values()) stream.write(`\u001b[2K${line(p)}\n`);
    drawn = latest.size;
  };

  return {
    update(p: Progress) {
      latest.set(p.connection, p);
      if (stream.isTTY) return redraw(false);
      if (phases.get(p.connection) !== p.phase) {
        phases.set(p.connection, p.phase);
        stream.write(`${line(p)}\n`);
      }
    },
    done() {
      if (stream.isTTY) redraw(true);
      else for (const p of latest.values()) stream.write(`${line({ ...p, phase: 'done' })}\n`);
    },
  };
}
