import { app, session, shell, type WebContents } from 'electron';

/** Permissions the renderer may use; every other permission request is denied. */
const ALLOWED_PERMISSIONS = new Set(['notifications', 'clipboard-sanitized-write']);

export function isAppUrl(url: string, appOrigins: readonly string[]): boolean {
  try {
    const u = new URL(url);
    const origin = u.protocol === 'careloop:' ? `careloop://${u.host}` : u.origin;
    return appOrigins.includes(origin);
  } catch {
    return false;
  }
}

/** Applies the security baseline to every web contents the app ever creates. */
export function hardenApp(appOrigins: readonly string[]): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the outside world open in the user's browser, never inside the app.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appOrigins)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appOrigins)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
      callback(ALLOWED_PERMISSIONS.has(permission));
    });
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
  });
}
