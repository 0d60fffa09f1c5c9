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
  };
};
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
