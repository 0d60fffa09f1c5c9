import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectContract, serveContract, type MessageTransport } from '../../../common/contract/channel';
import { RpcError } from '../../../common/contract/rpc';

/** Two ends of an in-memory pipe, delivering asynchronously like postMessage does. */
function pipe(): [MessageTransport, MessageTransport] {
  const make = (): { t: MessageTransport; listeners: Set<(m: unknown) => void> } => {
    const listeners = new Set<(m: unknown) => void>();
    return { listeners, t: { send: () => undefined, onMessage: (l) => (listeners.add(l), () => listeners.delete(l)) } };
  };
  const a = make();
  const b = make();
  a.t.send = (m) => queueMicrotask(() => b.listeners.forEach((l) => l(structuredClone(m))));
  b.t.send = (m) => queueMicrotask(() => a.listeners.forEach((l) => l(structuredClone(m))));
  return [a.t, b.t];
}

const api = {
  methods: {
    add: { params: z.object({ a: z.number(), b: z.number() }).strict(), result: z.number() },
    fail: { params: z.object({}), result: z.null() },
    crash: { params: z.object({}), result: z.null() },
  },
  events: { tick: z.object({ n: z.number() }) },
  streams: {
    count: { params: z.object({ to: z.number().int().max(1000) }).strict(), chunk: z.number() },
    forever: { params: z.object({}), chunk: z.number() },
  },
};

describe('typed channel', () => {
  const setup = () => {
    const [serverEnd, clientEnd] = pipe();
    const internal: string[] = [];
    const server = serveContract(
      api,
      {
        add: ({ a, b }) => a + b,
        fail: () => {
          throw new RpcError('not-allowed', 'you may not');
        },
        crash: () => {
          throw new Error('secret patient detail');
        },
      },
      serverEnd,
      {
        onInternalError: (m) => internal.push(m),
        streams: {
          count: async ({ to }, emit) => {
            for (let i = 1; i <= to; i++) emit(i);
          },
          forever: async (_p, emit, cancel) => {
            let i = 0;
            while (!cancel.cancelled) {
              emit(i++);
              await new Promise((r) => setTimeout(r, 1));
            }
          },
        },
      },
    );
    return { server, client: connectContract(api, clientEnd), internal };
  };

  it('answers typed requests', async () => {
    const { client } = setup();
    await expect(client.call('add', { a: 2, b: 3 })).resolves.toBe(5);
  });
  it('refuses params that do not match the contract, with the reason', async () => {
    const { client } = setup();
    const err = await client.call('add', { a: 2, b: 'three' } as unknown as { a: number; b: number }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('invalid-params');
    expect((err as RpcError).message).toMatch(/^b: /);
    const extra = await client.call('add', { a: 1, b: 2, c: 3 } as unknown as { a: number; b: number }).catch((e: unknown) => e);
    expect((extra as RpcError).code).toBe('invalid-params');
  });
  it('refuses unknown methods', async () => {
    const { client } = setup();
    const err = await (client.call as (m: string, p: unknown) => Promise<unknown>)('constructor', {}).catch((e: unknown) => e);
    expect((err as RpcError).code).toBe('unknown-method');
  });
  it('passes typed errors through and hides unexpected ones', async () => {
    const { client, internal } = setup();
    await expect(client.call('fail', {})).rejects.toMatchObject({ code: 'not-allowed', message: 'you may not' });
    const crash = await client.call('crash', {}).catch((e: unknown) => e);
    expect((crash as RpcError).code).toBe('internal');
    expect((crash as RpcError).message).not.toMatch(/secret/);
    expect(internal).toEqual(['crash']);
  });
  it('delivers valid events and drops malformed ones', async () => {
    const { client, server } = setup();
    const got: number[] = [];
    client.on('tick', (p) => got.push(p.n));
    server.emit('tick', { n: 1 });
    server.emit('tick', { n: 'x' } as unknown as { n: number });
    server.emit('tick', { n: 2 });
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([1, 2]);
  });
});

describe('typed streams', () => {
  const setup = () => {
    const [serverEnd, clientEnd] = pipe();
    serveContract(api, { add: ({ a, b }) => a + b, fail: () => null, crash: () => null }, serverEnd, {
      streams: {
        count: async ({ to }, emit) => {
          for (let i = 1; i <= to; i++) emit(i);
        },
        forever: async (_p, emit, cancel) => {
          let i = 0;
          while (!cancel.cancelled) {
            emit(i++);
            await new Promise((r) => setTimeout(r, 1));
          }
        },
      },
    });
    return connectContract(api, clientEnd);
  };

  it('delivers every chunk in order, then ends', async () => {
    const client = setup();
    const got: number[] = [];
    await client.stream('count', { to: 5 }, (n) => got.push(n)).done;
    expect(got).toEqual([1, 2, 3, 4, 5]);
  });
  it('stops a stream when the client cancels', async () => {
    const client = setup();
    const got: number[] = [];
    const sub = client.stream('forever', {}, (n) => got.push(n));
    await new Promise((r) => setTimeout(r, 20));
    sub.cancel();
    await sub.done;
    const after = got.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(got.length).toBe(after);
    expect(after).toBeGreaterThan(0);
  });
  it('validates stream params like any request', async () => {
    const client = setup();
    await expect(client.stream('count', { to: 1e9 }, () => undefined).done).rejects.toMatchObject({ code: 'invalid-params' });
  });
});
