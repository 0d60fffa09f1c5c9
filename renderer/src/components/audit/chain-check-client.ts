import type { ChainVerdict } from '../../../../common/audit/chain';
import { isChainCheckMessage } from './chain-check-protocol';

export interface ChainCheckResult {
  verdict: ChainVerdict;
  firstBad?: { id: string; at: string };
}

/** Runs one chain check in its own worker; `onProgress` gets a fraction from 0 to 1. */
export function checkAuditChain(onProgress: (fraction: number, phase: 'reading' | 'checking') => void): Promise<ChainCheckResult> {
  const worker = new Worker(new URL('./chain-check.worker.ts', import.meta.url), { type: 'module', name: 'careloop-audit-chain' });
  return new Promise<ChainCheckResult>((resolve, reject) => {
    worker.addEventListener('message', (e: MessageEvent) => {
      const m: unknown = e.data;
      if (!isChainCheckMessage(m)) return;
      if (m.kind === 'progress') {
        // Reading is the first half of the bar, hashing the second.
        const part = m.total ? m.done / m.total : 1;
        onProgress(m.phase === 'reading' ? part / 2 : 0.5 + part / 2, m.phase);
        return;
      }
      worker.terminate();
      if (m.kind === 'verdict') resolve(m.firstBad ? { verdict: m.verdict, firstBad: m.firstBad } : { verdict: m.verdict });
      else reject(new Error(`The chain check failed (${m.message}).`));
    });
    worker.addEventListener('error', (e) => {
      worker.terminate();
      reject(new Error(`The chain check could not start: ${e.message}`));
    });
  });
}
