import { createPrivateKey } from 'node:crypto';
import { type ConnectorContext, field } from '@evident/connector-kit';
import { z } from 'zod';
import { githubConfig } from './config.ts';

/** Why a PEM is not an App's private key, in words; undefined when it is one. */
export function privateKeyProblem(pem: string): string | undefined {
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) {
    return "This is a certificate, not the App's private key: generate a private key on the App's settings page (Private keys) and paste the downloaded .pem.";
  }
  if (/-----BEGIN (RSA |SSH2 )?PUBLIC KEY-----|^\s*ssh-rsa\s/.test(pem)) {
    return "This is a public key, not the App's private key: GitHub keeps the public half; paste the .pem the App's settings page downloaded (-----BEGIN RSA PRIVATE KEY-----).";
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
    return "This private key is encrypted with a passphrase; paste the .pem exactly as the App's settings page downloaded it.";
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') {
      return `This is an ${key.asymmetricKeyType ?? 'unknown'} key; GitHub Apps sign with RSA keys from their settings page.`;
    }
    return undefined;
  } catch {
    return "This is not a PEM private key: paste the whole .pem the App's settings page downloaded, BEGIN and END lines included.";
  }
}

/** The MSP's GitHub App: where GitHub is (a simulator in tests), and nothing else. */
export const githubAccountConfig = z.object({ endpoints: githubConfig.shape.endpoints });
export type GithubAccountConfig = z.infer<typeof githubAccountConfig>;

/** The App's id and private key; each discovered installation adds its own `installationId` to them. */
export const githubAccountSecret = z.object({
  kind: z.literal('app').default('app'),
  appId: z.coerce
    .number()
    .int()
    .positive()
    .meta(field({ title: 'App ID', help: 'The GitHub App id, from the App settings page.', examples: [123456] })),
  privateKey: z
    .string()
    .superRefine((pem, ctx) => {
      const problem = privateKeyProblem(pem);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta(
      field({
        title: 'Private key',
        help: "The App's private key (the .pem file the App settings page generates); it signs the JWTs that list its installations and obtain their tokens.",
        examples: ['-----BEGIN RSA PRIVATE KEY-----'],
        kind: 'pem',
      }),
    ),
});
export type GithubAccountSecret = z.infer<typeof githubAccountSecret>;

export type GithubAccountContext = ConnectorContext<GithubAccountConfig, GithubAccountSecret>;
