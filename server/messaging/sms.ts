/**
 * Where SMS leaves CareLoop. No provider is built in: a deployment plugs one in (an HTTP
 * API of an SMS gateway) by implementing this interface and passing it to buildServer.
 * A rejected promise marks the message failed with the error's message as the reason.
 */
export interface SmsProvider {
  readonly name: string;
  send(message: { to: string; body: string }): Promise<{ providerMessageId?: string }>;
}
