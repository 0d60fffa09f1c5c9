/// <reference lib="webworker" />
import { AuditChainCheck, type AuditEntry } from '../../../../common/audit/chain';
import { createAuditEntryHash, portableSha256Hex } from '../../../../common/audit/fast-hash';
import { CareLoopDb } from '../../db/database';
import type { ChainCheckMessage } from './chain-check-protocol';

// Checks this workstation's audit hash chain off the UI thread, reporting progress. One check per worker.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: ChainCheckMessage) => scope.postMessage(m);
const PAGE = 5000;
const SLICE = 2000;

async function check(): Promise<void> {
  const db = new CareLoopDb();
  await db.open();
  try {
    const total = await db.audit.count();
    const entries: AuditEntry[] = [];
    let last = 0;
    while (entries.length < total) {
      const page = await db.audit.where('seq').above(last).limit(PAGE).toArray();
      if (!page.length) break;
      entries.push(...page);
      last = page[page.length - 1]!.seq;
      post({ kind: 'progress', phase: 'reading', done: entries.length, total });
    }
    // The renderer's CSP allows no WebAssembly: the portable SHA-256 here.
    const chain = new AuditChainCheck(entries, createAuditEntryHash(portableSha256Hex));
    let verdict = chain.step(SLICE);
    while (!verdict) {
      post({ kind: 'progress', phase: 'checking', done: chain.checked, total: entries.length });
      await new Promise((resolve) => setTimeout(resolve, 0));
      verdict = chain.step(SLICE);
    }
    const final = verdict;
    const bad = final.intact ? undefined : entries.find((e) => e.seq === final.firstBadSeq);
    post({ kind: 'verdict', verdict: final, ...(bad ? { firstBad: { id: bad.id, at: bad.at } } : {}) });
  } finally {
    db.close();
  }
}

check().catch((err: unknown) => post({ kind: 'failed', message: err instanceof Error ? err.name : 'the check failed' }));
