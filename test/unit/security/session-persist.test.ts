import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSavedSession, loadSavedSession, saveSession } from '../../../renderer/src/security/session-persist';

/** A Map-backed stand-in for the window's sessionStorage (Node has none). */
class MemoryStorage {
  private items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe('the window session across a reload', () => {
  const g = globalThis as { sessionStorage?: unknown };
  beforeEach(() => {
    g.sessionStorage = new MemoryStorage();
  });
  afterEach(() => {
    delete g.sessionStorage;
  });

  it('keeps who is signed in and whether the session is locked; never anything else', () => {
    saveSession({ userId: 'u1', locked: true, lastActivityMs: 1000 });
    expect(loadSavedSession()).toEqual({ userId: 'u1', locked: true, lastActivityMs: 1000 });
    clearSavedSession();
    expect(loadSavedSession()).toBeUndefined();
  });

  it('treats a damaged or altered entry as no session', () => {
    (g.sessionStorage as MemoryStorage).setItem('careloop.session', '{not json');
    expect(loadSavedSession()).toBeUndefined();
    (g.sessionStorage as MemoryStorage).setItem('careloop.session', JSON.stringify({ userId: 'u1', locked: 'no', lastActivityMs: 1 }));
    expect(loadSavedSession()).toBeUndefined();
  });

  it('does nothing where there is no sessionStorage', () => {
    delete g.sessionStorage;
    saveSession({ userId: 'u1', locked: false, lastActivityMs: 1 });
    expect(loadSavedSession()).toBeUndefined();
  });
});
