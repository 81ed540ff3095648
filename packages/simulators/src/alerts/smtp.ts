import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface KeptMail {
  envelope: { from: string; to: string[] };
  /** The raw message as received. */
  raw: string;
  parsed: ParsedMail;
  /** The AUTH user, when the client signed in. */
  user: string | null;
}

export interface SmtpSimulator {
  host: string;
  port: number;
  mails: KeptMail[];
  /** Resolves once `count` mails have arrived, or rejects past the deadline. */
  waitFor(count: number, timeoutMs?: number): Promise<KeptMail[]>;
  close(): Promise<void>;
}

/**
 * An SMTP server on loopback that keeps every mail it accepts. Plain text (no STARTTLS offered), AUTH PLAIN and LOGIN
 * optional: a client that signs in must use `credentials` when given.
 */
export async function startSmtpSimulator(
  options: { credentials?: { user: string; pass: string } } = {},
): Promise<SmtpSimulator> {
  const mails: KeptMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const c = options.credentials;
      if (c && (auth.username !== c.user || auth.password !== c.pass)) {
        return callback(new Error('Invalid username or password'));
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            mails.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              raw,
              parsed,
              user: typeof session.user === 'string' ? session.user : null,
            });
            for (const w of waiters) w();
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mails,
    waitFor: (count, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (mails.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mails);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${mails.length} of ${count} mails arrived`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
