import type { SessionIo } from '../../session/driver';
import type { GattLink, GattUuid } from '../../session/links';

/**
 * Subscriptions in the raw capture. GattLink.subscribe stands for the collector's write of
 * the Client Characteristic Configuration descriptor (0x2902, Core Spec Vol 3 Part G
 * §3.3.3.3); the capture records it as that write, on the channel
 * "<characteristic>/2902", so a replay can tell where the recorded session subscribed,
 * where it let go, and where it stopped. Notify and indicate are not told apart here.
 */
export const CCCD = '2902';
export const CCCD_ENABLED = Uint8Array.of(0x01, 0x00);
export const CCCD_DISABLED = Uint8Array.of(0x00, 0x00);

export const cccdChannel = (characteristic: GattUuid): string => `${characteristic}/${CCCD}`;

/**
 * Subscribes with the session's timeout and retries, capturing the subscription before it
 * goes out (values the device sends at once then follow it in the capture), every value
 * received on the characteristic, and the unsubscription once it succeeded.
 */
export async function subscribeCaptured(link: GattLink, io: SessionIo, service: GattUuid, characteristic: GattUuid, onValue: (value: Uint8Array) => void): Promise<() => Promise<void>> {
  const off = await io.call(`subscribe ${characteristic}`, () => {
    io.capture('out', cccdChannel(characteristic), CCCD_ENABLED);
    return link.subscribe(service, characteristic, (value) => {
      io.capture('in', characteristic, value);
      onValue(value.slice());
    });
  });
  return async () => {
    await off();
    io.capture('out', cccdChannel(characteristic), CCCD_DISABLED);
  };
}
