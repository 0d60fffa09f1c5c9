import nodemailer from 'nodemailer';

/** Where email leaves CareLoop; a rejected promise marks the message failed with the error's message. */
export interface EmailTransport {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer, e.g. SMTP_URL=smtps://user:pass@smtp.example.org:465. */
export function smtpTransport(url: string, from: string): EmailTransport {
  const transport = nodemailer.createTransport(url);
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}
