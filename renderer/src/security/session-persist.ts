/**
 * This window's session across a reload: sessionStorage lives and dies with the window (a
 * closed window signs out). Only who and whether locked are kept, never a secret; restoring
 * a locked or long-idle session shows the lock screen.
 */
export interface SavedSession {
  userId: string;
  locked: boolean;
  lastActivityMs: number;
}

const KEY = 'careloop.session';

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

export function saveSession(s: SavedSession): void {
  storage()?.setItem(KEY, JSON.stringify(s));
}

export function clearSavedSession(): void {
  storage()?.removeItem(KEY);
}

export function loadSavedSession(): SavedSession | undefined {
  const text = storage()?.getItem(KEY);
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<SavedSession>;
    if (typeof v.userId === 'string' && typeof v.locked === 'boolean' && typeof v.lastActivityMs === 'number') return { userId: v.userId, locked: v.locked, lastActivityMs: v.lastActivityMs };
  } catch {
    // A damaged entry is no session.
  }
  return undefined;
}
