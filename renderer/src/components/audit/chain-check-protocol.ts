import type { ChainVerdict } from '../../../../common/audit/chain';

/** Messages of the chain-check worker: progress while it reads and hashes, then the verdict. */
export type ChainCheckMessage =
  | { kind: 'progress'; phase: 'reading' | 'checking'; done: number; total: number }
  | { kind: 'verdict'; verdict: ChainVerdict; firstBad?: { id: string; at: string } }
  | { kind: 'failed'; message: string };

export function isChainCheckMessage(data: unknown): data is ChainCheckMessage {
  const kind = (data as { kind?: unknown } | null)?.kind;
  return kind === 'progress' || kind === 'verdict' || kind === 'failed';
}
