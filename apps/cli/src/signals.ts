/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilStopped(): Promise<void> {
  // The listeners stay: a second Ctrl-C during shutdown must not kill the process before it has cleaned up.
  return new Promise((done) => {
    process.on('SIGINT', () => done());
    process.on('SIGTERM', () => done());
  });
}
