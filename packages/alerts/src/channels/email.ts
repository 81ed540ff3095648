import { promisify } from 'node:util';
import { type EgressPolicy, guardedLookup } from '@evident/connector-kit';
import nodemailer from 'nodemailer';
import type { ChannelConfig, ChannelSecret } from '../channel-settings.ts';
import { type AlertMessage, detailLine, headline, isControlMessage, linkLabel } from '../message.ts';
import { type Channel, DeliveryError } from './base.ts';

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailBody(m: AlertMessage): { subject: string; text: string; html: string } {
  const title = headline(m);
  const text = [`${m.organization.name}`, '', title, detailLine(m), m.reason, '', `${linkLabel(m)}: ${m.url}`].join(
    '\n',
  );
  const page = `<!doctype html><html><body style="font-family:sans-serif">
<p style="color:#555">${html(m.organization.name)}</p>
<h2>${html(title)}</h2>
<ul><li><a href="${html(m.url)}">${html(isControlMessage(m) ? `${m.control.id} ${m.control.title}` : linkLabel(m))}</a>:
${html(detailLine(m))}<br>${html(m.reason)}</li></ul>
</body></html>`;
  return { subject: `[Evident] ${title}`, text, html: page };
}

/** An SMTP 5xx reply is permanent (a refused address or sender); 4xx and network failures may pass. */
const permanent = (error: unknown) => {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500;
};

/**
 * E-mail over SMTP. The host is resolved under the egress policy and the connection made to that address (the
 * certificate still checked against the name); STARTTLS is required except towards an allowed loopback host. The
 * `Message-ID` is the delivery id, so a repeat after a crash is the same message to mail systems that deduplicate.
 */
export function emailChannel(
  policy: EgressPolicy,
  config: ChannelConfig<'email'>,
  secret: ChannelSecret<'email'>,
): Channel & { sendRendered(body: ReturnType<typeof emailBody>, idempotencyKey: string): Promise<undefined> } {
  const lookup = promisify(guardedLookup(policy));
  const sendRendered = async (body: ReturnType<typeof emailBody>, idempotencyKey: string) => {
    let address: string;
    try {
      address = String(await lookup(config.host, {}));
    } catch (error) {
      throw new DeliveryError(`could not resolve ${config.host}: ${(error as Error).message}`, false, {
        cause: error,
      });
    }
    const local = address === '127.0.0.1' || address === '::1';
    const transport = nodemailer.createTransport({
      host: address,
      port: config.port,
      secure: config.secure,
      requireTLS: !config.secure && !local,
      ignoreTLS: local && !config.secure,
      tls: { servername: config.host },
      ...(config.username && secret.password ? { auth: { user: config.username, pass: secret.password } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
    const domain = config.from.slice(config.from.lastIndexOf('@') + 1);
    try {
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: body.subject,
        text: body.text,
        html: body.html,
        messageId: `<${idempotencyKey}@${domain}>`,
        headers: { 'X-Evident-Delivery': idempotencyKey },
      });
    } catch (error) {
      throw new DeliveryError(`SMTP ${config.host}: ${(error as Error).message}`, permanent(error), { cause: error });
    } finally {
      transport.close();
    }
    return undefined;
  };
  return {
    sendRendered,
    send: ({ message, idempotencyKey }) => sendRendered(emailBody(message), idempotencyKey),
  };
}
