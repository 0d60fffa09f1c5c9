/**
 * Every IPC message is checked before any handler runs: it must come from the app's own
 * main window, from its top frame, loaded from the app's own origin. A message from any
 * other sender (an injected frame, a navigated page, another window) is refused.
 */
export interface IpcSenderInfo {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent the message, or null when the frame is gone. */
  frameUrl: string | null;
  /** Whether the sending frame is the top frame of its page. */
  isMainFrame: boolean;
}

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

export function checkIpcSender(
  sender: IpcSenderInfo,
  trusted: { webContentsId: number | undefined; origins: readonly string[] },
): GuardVerdict {
  if (trusted.webContentsId === undefined || sender.webContentsId !== trusted.webContentsId) {
    return { ok: false, reason: 'message from a window that is not the CareLoop window' };
  }
  if (!sender.isMainFrame) return { ok: false, reason: 'message from a sub-frame' };
  if (!sender.frameUrl) return { ok: false, reason: 'message from a frame that no longer exists' };
  let origin: string;
  try {
    const u = new URL(sender.frameUrl);
    origin = u.protocol === 'careloop:' ? `careloop://${u.host}` : u.origin;
  } catch {
    return { ok: false, reason: 'message from a frame with an invalid URL' };
  }
  if (!trusted.origins.includes(origin)) return { ok: false, reason: `message from untrusted origin ${origin}` };
  return { ok: true };
}
