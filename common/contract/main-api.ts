import { z } from 'zod';
import type { Contract } from './rpc';

/**
 * The one contract between the renderer and the main-process services. Electron carries it
 * over IPC through the preload; browser mode carries it over a WebSocket. Nothing else
 * crosses from the renderer into the main process.
 */
export const AppInfo = z.object({
  name: z.literal('CareLoop'),
  version: z.string(),
  /** 'electron' in the desktop app, 'browser' when the Node host serves a browser. */
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  capabilities: z.object({
    osNotifications: z.boolean(),
    usbHid: z.boolean(),
    bluetooth: z.boolean(),
  }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Empty = z.object({}).strict();

export const UsbHidDevice = z.object({
  vendorId: z.number().int(),
  productId: z.number().int(),
  manufacturer: z.string().nullable(),
  product: z.string().nullable(),
  family: z.enum(['contour', 'freestyle']).nullable(),
});
export type UsbHidDevice = z.infer<typeof UsbHidDevice>;

export const mainApi = {
  methods: {
    'app.info': { params: Empty, result: AppInfo },
    'notify.show': {
      params: z
        .object({
          title: z.string().min(1).max(120),
          body: z.string().max(500),
          urgency: z.enum(['normal', 'critical']).default('normal'),
        })
        .strict(),
      /** 'unsupported' tells the renderer to fall back to the web Notification API. */
      result: z.object({ delivered: z.enum(['os', 'unsupported']) }),
    },
  },
  streams: {
    /** The connected USB HID devices: the list now, then again whenever it changes. */
    'devices.watchUsb': {
      params: z.object({ intervalMs: z.number().int().min(250).max(60_000).default(2000) }).strict(),
      chunk: z.array(UsbHidDevice),
    },
  },
  events: {
    /** The operating system locked the screen or suspended: the app locks at once. */
    'system.locked': z.object({ reason: z.enum(['lock-screen', 'suspend']) }),
  },
} satisfies Contract;

export type MainApi = typeof mainApi;
