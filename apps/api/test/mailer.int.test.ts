import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../src/infrastructure/mailer.js';

type Received = { from: string; to: string[]; raw: string };
const received: Received[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe(SmtpMailer.name, () => {
  it('delivers verification mail over SMTP', async () => {
    const sut = new SmtpMailer(`smtp://127.0.0.1:${port}`, 'Zapdeploy <no-reply@zapdeploy.test>');
    await sut.send({ to: 'ana@example.com', subject: 'Confirme seu e-mail no Zapdeploy', text: 'Link: http://localhost/verify?token=abc' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'no-reply@zapdeploy.test', to: ['ana@example.com'] });
    expect(received[0]?.raw).toContain('Subject: Confirme seu e-mail no Zapdeploy');
    expect(received[0]?.raw).toContain('http://localhost/verify?token=abc');
  });
});
