/** What differs between the Electron main process and the browser-mode Node host. */
export interface HostPlatform {
  mode: 'electron' | 'browser';
  /** Shows an OS notification; returns false where the host has none (browser mode). */
  showNotification(title: string, body: string, urgency: 'normal' | 'critical'): boolean;
  osNotificationsSupported(): boolean;
}
