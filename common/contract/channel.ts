import type { z } from 'zod';
import {
  RpcError,
  RpcMessage,
  describeZodError,
  type Contract,
  type ParamsOf,
  type PayloadOf,
  type ResultOf,
  type RpcResponse,
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
  options: { onInternalError?: (method: string, err: unknown) => void } = {},
): { emit<K extends keyof C['events'] & string>(name: K, payload: PayloadOf<C, K>): void; close(): void } {
  const unsubscribe = transport.onMessage(async (raw) => {
    const parsed = RpcMessage.safeParse(raw);
    if (!parsed.success || parsed.data.kind !== 'req') return;
    const { id, method, params } = parsed.data;
    const reply = (res: RpcResponse) => transport.send(res);
    const spec = Object.prototype.hasOwnProperty.call(contract.methods, method) ? contract.methods[method] : undefined;
    if (!spec) {
      reply({ kind: 'res', id, ok: false, error: { code: 'unknown-method', message: `unknown method ${method}` } });
      return;
    }
    const input = spec.params.safeParse(params);
    if (!input.success) {
      reply({ kind: 'res', id, ok: false, error: { code: 'invalid-params', message: describeZodError(input.error) } });
      return;
    }
    try {
      const handler = handlers[method as keyof C['methods']] as (p: unknown) => unknown;
      const result = await handler(input.data);
      reply({ kind: 'res', id, ok: true, result });
    } catch (err) {
      if (err instanceof RpcError) {
        reply({ kind: 'res', id, ok: false, error: { code: err.code, message: err.message } });
      } else {
        options.onInternalError?.(method, err);
        reply({ kind: 'res', id, ok: false, error: { code: 'internal', message: `${method} failed` } });
      }
    }
  });
  return {
    emit(name, payload) {
      transport.send({ kind: 'evt', name, payload });
    },
    close: unsubscribe,
  };
}

export interface ContractClient<C extends Contract> {
  call<K extends keyof C['methods'] & string>(method: K, params: ParamsOf<C, K>): Promise<ResultOf<C, K>>;
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
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; timer: ReturnType<typeof setTimeout> | undefined }>();
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
    } else if (msg.kind === 'evt') {
      const schema = Object.prototype.hasOwnProperty.call(contract.events, msg.name) ? contract.events[msg.name] : undefined;
      if (!schema) return;
      const payload = schema.safeParse(msg.payload);
      if (!payload.success) return;
      for (const l of listeners.get(msg.name) ?? []) l(payload.data);
    }
  });

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer =
          options.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                pending.delete(id);
                reject(new RpcError('timeout', `${method} did not answer in ${options.timeoutMs} ms`));
              }, options.timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        transport.send({ kind: 'req', id, method, params });
      });
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
