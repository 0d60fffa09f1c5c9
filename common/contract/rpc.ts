import { z } from 'zod';

/**
 * One wire protocol for every typed channel in the app: renderer ⇄ main (Electron IPC or
 * the browser-mode WebSocket) and UI ⇄ engine worker (postMessage). Requests get exactly
 * one response; events flow from the serving side to the client.
 */
export const RpcRequest = z.object({
  kind: z.literal('req'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  params: z.unknown(),
});
export type RpcRequest = z.infer<typeof RpcRequest>;

export const RpcErrorBody = z.object({ code: z.string(), message: z.string() });
export type RpcErrorBody = z.infer<typeof RpcErrorBody>;

export const RpcResponse = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('res'), id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('res'), id: z.number(), ok: z.literal(false), error: RpcErrorBody }),
]);
export type RpcResponse = z.infer<typeof RpcResponse>;

export const RpcEvent = z.object({ kind: z.literal('evt'), name: z.string(), payload: z.unknown() });
export type RpcEvent = z.infer<typeof RpcEvent>;

/** One piece of a streamed answer; the stream ends with the request's ordinary response. */
export const RpcChunk = z.object({ kind: z.literal('chunk'), id: z.number(), data: z.unknown() });
export type RpcChunk = z.infer<typeof RpcChunk>;

/** The client no longer wants a stream; the server stops it and answers the request. */
export const RpcCancel = z.object({ kind: z.literal('cancel'), id: z.number() });

export const RpcMessage = z.union([RpcRequest, RpcResponse, RpcEvent, RpcChunk, RpcCancel]);
export type RpcMessage = z.infer<typeof RpcMessage>;

/** A contract: per method its params and result schemas; per event its payload schema. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
}
export type Methods = Record<string, MethodSpec>;
export type Events = Record<string, z.ZodType>;
export interface StreamSpec<P extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType> {
  params: P;
  chunk: C;
}
export type Streams = Record<string, StreamSpec>;
export interface Contract<M extends Methods = Methods, E extends Events = Events, S extends Streams = Streams> {
  methods: M;
  events: E;
  /** Requests answered by a sequence of chunks until done or cancelled. */
  streams?: S;
}

export type ParamsOf<C extends Contract, K extends keyof C['methods']> = z.input<C['methods'][K]['params']>;
export type ResultOf<C extends Contract, K extends keyof C['methods']> = z.output<C['methods'][K]['result']>;
export type PayloadOf<C extends Contract, K extends keyof C['events']> = z.output<C['events'][K]>;
type StreamsOf<C extends Contract> = NonNullable<C['streams']>;
export type StreamParamsOf<C extends Contract, K extends keyof StreamsOf<C>> = z.input<StreamsOf<C>[K]['params']>;
export type ChunkOf<C extends Contract, K extends keyof StreamsOf<C>> = z.output<StreamsOf<C>[K]['chunk']>;

/** Typed failure carried across a channel; `code` is stable for programs, `message` is for people. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
