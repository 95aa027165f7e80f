import nodemailer from 'nodemailer';

export type Mail = { readonly to: string; readonly subject: string; readonly text: string };

/** Port for outgoing e-mail. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** SMTP through nodemailer (full mode, or embedded with SMTP_URL set). */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }
}

/**
 * Embedded mode without SMTP: prints the mail on the console so the operator of a laptop install can
 * follow verification links. Never used when the install is public.
 */
export class ConsoleMailer implements Mailer {
  constructor(private readonly write: (line: string) => void) {}

  async send(mail: Mail): Promise<void> {
    this.write(`[mail] to ${mail.to}: ${mail.subject}\n${mail.text}`);
  }
}
