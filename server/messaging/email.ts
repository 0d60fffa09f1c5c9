import nodemailer from 'nodemailer';

/** An iCalendar invitation sent with an email (text/calendar; method=REQUEST or CANCEL). */
export interface EmailInvitation {
  method: 'REQUEST' | 'CANCEL';
  ics: string;
}

/** Where email leaves CareLoop; a rejected promise marks the message failed with the error's message. */
export interface EmailTransport {
  /** The sending address: the ORGANIZER of calendar invitations. Without it no invitation is attached. */
  readonly fromAddress?: string;
  send(message: { to: string; subject: string; text: string; invitation?: EmailInvitation }): Promise<void>;
  close(): void;
}

/** The bare address of "Clinic <clinic@example.org>" or "clinic@example.org". */
export function addressOf(from: string): string | undefined {
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(from);
  return m?.[1];
}

/** SMTP through nodemailer, e.g. SMTP_URL=smtps://user:pass@smtp.example.org:465. */
export function smtpTransport(url: string, from: string): EmailTransport {
  const transport = nodemailer.createTransport(url);
  const fromAddress = addressOf(from);
  return {
    ...(fromAddress ? { fromAddress } : {}),
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // nodemailer puts this in the message as a text/calendar part with the method parameter (RFC 6047 §2.4).
        ...(m.invitation ? { icalEvent: { method: m.invitation.method, filename: m.invitation.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: m.invitation.ics } } : {}),
      });
    },
    close: () => transport.close(),
  };
}
