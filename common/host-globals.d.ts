/**
 * The few host facilities that every environment CareLoop runs in (browser, Web Worker,
 * Node, Electron) provides identically. Environment-free code may use these and nothing
 * else from its host; tsconfig.pure.json has no DOM or Node types to enforce that.
 */
type TimerHandle = { readonly __timer: unique symbol } | number;
declare function setTimeout(callback: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;
declare const crypto: {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
  readonly subtle: {
    digest(algorithm: 'SHA-256', data: ArrayBufferView | ArrayBuffer): Promise<ArrayBuffer>;
    /** AES-GCM only: encrypted backups (common/backup). */
    importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'AES-GCM' }, extractable: false, usages: ('encrypt' | 'decrypt')[]): Promise<HostCryptoKey>;
    encrypt(algorithm: HostAesGcmParams, key: HostCryptoKey, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
    decrypt(algorithm: HostAesGcmParams, key: HostCryptoKey, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  };
};
interface HostCryptoKey {
  readonly algorithm: unknown;
}
interface HostAesGcmParams {
  name: 'AES-GCM';
  iv: Uint8Array<ArrayBuffer>;
  additionalData?: Uint8Array<ArrayBuffer>;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
