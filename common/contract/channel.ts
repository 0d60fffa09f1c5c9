import type { z } from 'zod';
import {
  RpcError,
  RpcMessage,
  describeZodError,
  type ChunkOf,
  type Contract,
  type ParamsOf,
  type PayloadOf,
  type ResultOf,
  type RpcResponse,
  type StreamParamsOf,
  type StreamSpec,
} from './rpc';

/** Anything that carries structured-clone or JSON messages both ways. */
export interface MessageTransport {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

type Handler<C extends Contract, K extends keyof C['methods']> = (
  params: z.output<C['methods'][K]['params']>,
) => Promise<ResultOf<C, K>> | ResultOf<C, K>;

export type Handlers<C extends Contract> = { [K in keyof C['methods']]: Handler<C, K> };

type StreamsOf<C extends Contract> = NonNullable<C['streams']>;

/** Lets a stream handler notice that the client went away or cancelled. */
export interface CancelToken {
  readonly cancelled: boolean;
  onCancel(listener: () => void): void;
}

type StreamHandler<C extends Contract, K extends keyof StreamsOf<C>> = (
  params: z.output<StreamsOf<C>[K]['params']>,
  emit: (chunk: ChunkOf<C, K>) => void,
  cancel: CancelToken,
) => Promise<void>;

export type StreamHandlers<C extends Contract> = { [K in keyof StreamsOf<C>]: StreamHandler<C, K> };

function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * The serving side of a contract. Every request's params are validated against the
 * contract before a handler sees them; a handler's typed error reaches the client as
 * an RpcError with the same code. Unexpected failures are reported without details
 * (they could carry patient data) under code 'internal'.
 */
export function serveContract<C extends Contract>(
  contract: C,
  handlers: Handlers<C>,
  transport: MessageTransport,
  options: {
    streams?: StreamHandlers<C>;
    onInternalError?: (method: string, err: unknown) => void;
  } = {},
): { emit<K extends keyof C['events'] & string>(name: K, payload: PayloadOf<C, K>): void; close(): void } {
  const running = new Map<number, { cancelled: boolean; listeners: (() => void)[] }>();
  const reply = (res: RpcResponse) => transport.send(res);
  const fail = (id: number, method: string, err: unknown) => {
    if (err instanceof RpcError) {
      reply({ kind: 'res', id, ok: false, error: { code: err.code, message: err.message } });
    } else {
      options.onInternalError?.(method, err);
      reply({ kind: 'res', id, ok: false, error: { code: 'internal', message: `${method} failed` } });
    }
  };
  const cancelAll = () => {
    for (const token of running.values()) {
      token.cancelled = true;
      token.listeners.splice(0).forEach((l) => l());
    }
  };

  const unsubscribe = transport.onMessage(async (raw) => {
    const parsed = RpcMessage.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.kind === 'cancel') {
      const token = running.get(msg.id);
      if (token && !token.cancelled) {
        token.cancelled = true;
        token.listeners.splice(0).forEach((l) => l());
      }
      return;
    }
    if (msg.kind !== 'req') return;
    const { id, method, params } = msg;
    const spec = own(contract.methods, method);
    const streamSpec: StreamSpec | undefined = own(contract.streams, method);
    if (!spec && !streamSpec) {
      reply({ kind: 'res', id, ok: false, error: { code: 'unknown-method', message: `unknown method ${method}` } });
      return;
    }
    const input = (spec ?? streamSpec)!.params.safeParse(params);
    if (!input.success) {
      reply({ kind: 'res', id, ok: false, error: { code: 'invalid-params', message: describeZodError(input.error) } });
      return;
    }
    if (spec) {
      try {
        const handler = handlers[method as keyof C['methods']] as (p: unknown) => unknown;
        reply({ kind: 'res', id, ok: true, result: await handler(input.data) });
      } catch (err) {
        fail(id, method, err);
      }
      return;
    }
    const handler = own(options.streams as Record<string, (p: unknown, e: (c: unknown) => void, t: CancelToken) => Promise<void>> | undefined, method);
    if (!handler) {
      reply({ kind: 'res', id, ok: false, error: { code: 'unknown-method', message: `no handler for stream ${method}` } });
      return;
    }
    const token = { cancelled: false, listeners: [] as (() => void)[] };
    running.set(id, token);
    try {
      await handler(
        input.data,
        (chunk) => {
          if (!token.cancelled) transport.send({ kind: 'chunk', id, data: chunk });
        },
        { get cancelled() { return token.cancelled; }, onCancel: (l) => (token.cancelled ? l() : token.listeners.push(l)) },
      );
      reply({ kind: 'res', id, ok: true, result: null });
    } catch (err) {
      fail(id, method, err);
    } finally {
      running.delete(id);
    }
  });
  return {
    emit(name, payload) {
      transport.send({ kind: 'evt', name, payload });
    },
    close() {
      unsubscribe();
      cancelAll();
    },
  };
}

export interface StreamSubscription {
  /** Resolves when the stream ends (by the server, or after cancel); rejects with an RpcError. */
  done: Promise<void>;
  cancel(): void;
}

export interface ContractClient<C extends Contract> {
  call<K extends keyof C['methods'] & string>(method: K, params: ParamsOf<C, K>): Promise<ResultOf<C, K>>;
  stream<K extends keyof StreamsOf<C> & string>(method: K, params: StreamParamsOf<C, K>, onChunk: (chunk: ChunkOf<C, K>) => void): StreamSubscription;
  on<K extends keyof C['events'] & string>(name: K, listener: (payload: PayloadOf<C, K>) => void): () => void;
  /** Fails every pending call, e.g. when the transport dropped. */
  failPending(code: string, message: string): void;
  close(): void;
}

export function connectContract<C extends Contract>(
  contract: C,
  transport: MessageTransport,
  options: { timeoutMs?: number } = {},
): ContractClient<C> {
  let nextId = 1;
  interface Pending {
    resolve(v: unknown): void;
    reject(e: unknown): void;
    timer: ReturnType<typeof setTimeout> | undefined;
    onChunk?: (data: unknown) => void;
    chunkSchema?: z.ZodType;
  }
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const unsubscribe = transport.onMessage((raw) => {
    const parsed = RpcMessage.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.kind === 'res') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new RpcError(msg.error.code, msg.error.message));
    } else if (msg.kind === 'chunk') {
      const p = pending.get(msg.id);
      const chunk = p?.chunkSchema?.safeParse(msg.data);
      if (p?.onChunk && chunk?.success) p.onChunk(chunk.data);
    } else if (msg.kind === 'evt') {
      const schema = own(contract.events, msg.name);
      const payload = schema?.safeParse(msg.payload);
      if (!payload?.success) return;
      for (const l of listeners.get(msg.name) ?? []) l(payload.data);
    }
  });

  const request = (method: string, params: unknown, extra: Partial<Pending> = {}, timeoutMs = options.timeoutMs) => {
    const id = nextId++;
    const promise = new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              pending.delete(id);
              reject(new RpcError('timeout', `${method} did not answer in ${timeoutMs} ms`));
            }, timeoutMs);
      pending.set(id, { resolve, reject, timer, ...extra });
      transport.send({ kind: 'req', id, method, params });
    });
    return { id, promise };
  };

  return {
    call(method, params) {
      return request(method, params).promise as Promise<ResultOf<C, typeof method>>;
    },
    stream(method, params, onChunk) {
      const spec = own(contract.streams, method);
      const { id, promise } = request(method, params, { onChunk: onChunk as (d: unknown) => void, ...(spec ? { chunkSchema: spec.chunk } : {}) }, undefined);
      return {
        done: promise.then(() => undefined),
        cancel: () => transport.send({ kind: 'cancel', id }),
      };
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    failPending(code, message) {
      for (const [id, p] of pending) {
        if (p.timer) clearTimeout(p.timer);
        p.reject(new RpcError(code, message));
        pending.delete(id);
      }
    },
    close() {
      unsubscribe();
      this.failPending('closed', 'channel closed');
    },
  };
}
