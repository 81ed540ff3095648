import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { environment } from '../env.ts';

export const BIN = fileURLToPath(new URL('../../bin/evident.js', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real executable, as a user would. */
export function evident(...args: string[]): Promise<Run> {
  return node([BIN, ...args]);
}

/** Runs the real executable with `env` added to the environment. */
export function evidentWith(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return node([BIN, ...args], env);
}

/** Runs a Node script to its end, capturing its output; `env` adds to the current environment. */
export function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...environment(), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves with its first line of output, once printed. */
export function evidentServing(
  ...args: string[]
): Promise<{ child: ChildProcess; firstLine: string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl), exited });
    });
    child.on('error', reject);
    exited.then((code) => reject(new Error(`evident ${args[0]} exited with ${code} before printing: ${err}`)));
  });
}
