// Child processes of the smoke, each in its own process group so a timeout ends it with everything it started.
import { spawn } from 'node:child_process';

const running = new Set();

/** Rejects with `what` when `promise` has not settled within `ms`. */
export async function within(ms, promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Ends every child still running, and what each started, at once. */
export function killAll() {
  for (const child of running) signalGroup(child, 'SIGKILL');
}

/** A process with its output collected; `waitFor` and `exit` take a deadline, `stop` escalates to SIGKILL. */
export function start(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = { out: '', err: '' };
  child.stdout.on('data', (d) => {
    output.out += d;
  });
  child.stderr.on('data', (d) => {
    output.err += d;
  });
  running.add(child);
  const exited = new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).then((result) => {
    running.delete(child);
    return result;
  });
  return {
    get out() {
      return output.out;
    },
    get err() {
      return output.err;
    },
    exit: (ms, what) => within(ms, exited, what),
    /** Resolves with the first match of `pattern` in stdout + stderr; rejects if the process ends first. */
    async waitFor(pattern, ms, what) {
      const until = Date.now() + ms;
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      for (;;) {
        const match = pattern.exec(`${output.out}\n${output.err}`);
        if (match) return match;
        if (ended) throw new Error(`${what}: the process ended first`);
        if (Date.now() > until) throw new Error(`${what}: nothing within ${Math.round(ms / 1000)} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal, ms) {
      signalGroup(child, signal);
      try {
        return await within(ms, exited, `stopping with ${signal}`);
      } catch (error) {
        signalGroup(child, 'SIGKILL');
        throw error;
      }
    },
  };
}

/** The last lines a child wrote, never one that reads like the test summary CI looks for. */
export function tail(text, lines = 30) {
  return text
    .split('\n')
    .filter((l) => !/\d+ passed, \d+ failed/.test(l))
    .slice(-lines)
    .join('\n');
}
