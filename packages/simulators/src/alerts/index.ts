export { type KeptMail, type SmtpSimulator, startSmtpSimulator } from './smtp.ts';
export { type CaughtRequest, startWebhookCatcher, type WebhookCatcher } from './webhook-catcher.ts';
