import { z } from 'zod';
import type { Contract } from './rpc';
import { cloudMethods } from './cloud-api';
import { fhirServerMethods } from './fhir-server-api';

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

/** Which device a download or live stream talks to. Simulated devices serve tests, the demo and training. */
export const DeviceTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('usb'), family: z.enum(['contour', 'freestyle']), vendorId: z.number().int(), productId: z.number().int(), path: z.string().max(500).optional() }).strict(),
  z.object({ kind: z.literal('ble'), family: z.string().min(1).max(40), address: z.string().min(1).max(64) }).strict(),
  z
    .object({
      kind: z.literal('simulated'),
      simulator: z.string().min(1).max(40),
      /** Stable serial so repeated sessions with the same simulated device resume and de-duplicate. */
      serial: z.string().min(1).max(40),
      records: z.number().int().min(0).max(10_000).optional(),
      /** Fail at the K-th transport call, as if the cable were pulled. */
      disconnectAt: z.number().int().min(1).optional(),
      clockSkewMinutes: z.number().min(-100_000).max(100_000).optional(),
      corruptFrame: z.boolean().optional(),
    })
    .strict(),
]);
export type DeviceTarget = z.infer<typeof DeviceTarget>;

export const DeviceTimeSchema = z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int(), hours: z.number().int(), minutes: z.number().int(), seconds: z.number().int() });

/** A decoded reading on the wire. JSON has no NaN: a value the device sent as NaN/NRes/infinity travels as null with its flag. */
export const WireReading = z.object({
  id: z.string().min(1).max(200),
  metric: z.string().min(1).max(60),
  value: z.number().nullable(),
  unit: z.string().max(20),
  utcMs: z.number(),
  deviceTimeRaw: z.string().max(40).optional(),
  clockOffsetMs: z.number().optional(),
  dst: z.enum(['dst-gap', 'dst-repeat']).optional(),
  sequence: z.number().int().optional(),
  flags: z.array(z.string().max(40)).max(20),
  extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type WireReading = z.infer<typeof WireReading>;

export const DeviceIdentitySchema = z.object({ family: z.string(), model: z.string(), serial: z.string(), firmware: z.string().optional() });

export const DownloadChunk = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), step: z.enum(['detect', 'connect', 'configure', 'fetch', 'decode', 'store', 'disconnect']), done: z.number().optional(), total: z.number().optional() }),
  z.object({ type: z.literal('device'), identity: DeviceIdentitySchema, recordCount: z.number().optional(), canSetClock: z.boolean() }),
  z.object({ type: z.literal('readings'), readings: z.array(WireReading).max(1000), highWater: z.number().nullable() }),
  z.object({
    type: z.literal('summary'),
    newReadings: z.number(),
    /** Records the device sent again that were at or below the high-water mark. */
    skipped: z.number(),
    warnings: z.array(z.string()),
    clockOffsetMs: z.number().nullable(),
    clockSkewed: z.boolean(),
    highWater: z.number().nullable(),
    durationMs: z.number(),
  }),
  /** The session's raw bytes (gzip of the capture file), sent once at the end, also after a failure. */
  z.object({ type: z.literal('capture'), gzipBase64: z.string(), entries: z.number(), bytes: z.number() }),
  /** Why the session stopped, with what to do about it; the stream still ends normally so the capture arrives. */
  z.object({ type: z.literal('failed'), code: z.string(), message: z.string(), hint: z.string().optional() }),
]);
export type DownloadChunk = z.infer<typeof DownloadChunk>;

export const SimulatorInfo = z.object({ name: z.string(), label: z.string(), family: z.string(), transport: z.enum(['usb', 'ble']), mode: z.enum(['download', 'live']) });
export type SimulatorInfo = z.infer<typeof SimulatorInfo>;

export const LiveChunk = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heart-rate'), timeMs: z.number(), bpm: z.number(), rrMs: z.array(z.number()).max(50), contact: z.boolean().nullable() }),
  z.object({ type: z.literal('ecg'), startMs: z.number(), fs: z.number(), samplesUv: z.array(z.number()).max(5000) }),
]);
export type LiveChunk = z.infer<typeof LiveChunk>;

/**
 * Backups and exports written by the main process (issue 9). The renderer streams a file's
 * bytes (already encrypted there) in pieces; the host writes them to a temporary file in a
 * folder it has checked and renames it into place at the end, so a stopped backup never
 * leaves a file that looks complete. Failures arrive as RpcError codes: `backup-folder`
 * (the folder is missing, not a folder, not writable or not absolute), `backup-file`
 * (unknown or finished handle, a piece out of order), `backup-settings` (a bad schedule).
 */
export const BackupFileKind = z.enum(['backup', 'scheduled-backup', 'audit-export', 'audit-export-plain']);
export type BackupFileKind = z.infer<typeof BackupFileKind>;

export const BackupScheduleWire = z.object({ enabled: z.boolean(), timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/), keep: z.number().int().min(1).max(365) }).strict();

export const BackupRunWire = z.object({
  atMs: z.number(),
  ok: z.boolean(),
  scheduled: z.boolean(),
  /** The file written, or why it failed (never patient data). */
  message: z.string().max(500),
  file: z.string().max(1000).optional(),
  bytes: z.number().int().min(0).optional(),
});
export type BackupRunWire = z.infer<typeof BackupRunWire>;

export const BackupSettingsWire = z.object({
  folder: z.string().nullable(),
  schedule: BackupScheduleWire,
  /** Whether a passphrase for scheduled backups is kept on this workstation. */
  hasPassphrase: z.boolean(),
  lastRun: BackupRunWire.nullable(),
  lastScheduledRun: BackupRunWire.nullable(),
  /** Whether the host can show a folder dialog (Electron); browser mode types the path. */
  canChooseFolder: z.boolean(),
});
export type BackupSettingsWire = z.infer<typeof BackupSettingsWire>;

const FolderPath = z.string().trim().min(1).max(1000);
const FileHandle = z.string().regex(/^[0-9a-f]{32}$/);

export const backupMethods = {
  'backup.settings': { params: Empty, result: BackupSettingsWire },
  'backup.configure': {
    params: z
      .object({
        folder: FolderPath.nullable().optional(),
        schedule: BackupScheduleWire.optional(),
        /** A passphrase to keep for scheduled backups; null forgets it. */
        passphrase: z.string().min(1).max(1000).nullable().optional(),
      })
      .strict(),
    result: BackupSettingsWire,
  },
  /** The folder dialog (Electron only); null when cancelled. */
  'backup.chooseFolder': { params: Empty, result: z.object({ folder: z.string().nullable() }) },
  /** Checks that a folder exists and can be written; returns it absolute and normalised. */
  'backup.checkFolder': { params: z.object({ folder: FolderPath }).strict(), result: z.object({ folder: z.string() }) },
  /** The passphrase kept for scheduled backups (the engine's scheduler needs it unattended). */
  'backup.schedulePassphrase': { params: Empty, result: z.object({ passphrase: z.string().nullable() }) },
  'backup.begin': { params: z.object({ kind: BackupFileKind, folder: FolderPath.optional() }).strict(), result: z.object({ handle: FileHandle, name: z.string() }) },
  'backup.write': {
    params: z.object({ handle: FileHandle, offset: z.number().int().min(0), base64: z.string().max(2 << 20).regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
    result: z.object({ bytes: z.number().int() }),
  },
  /** Renames the finished file into place; for a scheduled backup, removes scheduled files beyond the newest `keep`. */
  'backup.finish': { params: z.object({ handle: FileHandle }).strict(), result: z.object({ path: z.string(), bytes: z.number().int(), pruned: z.array(z.string()) }) },
  'backup.abort': { params: z.object({ handle: FileHandle }).strict(), result: z.object({ aborted: z.boolean() }) },
  /** Records how a backup went, for "last backup" in Settings and for the schedule. */
  'backup.recordRun': { params: BackupRunWire.strict(), result: z.object({ ok: z.literal(true) }) },
} as const;

/**
 * Print-to-PDF of the page the renderer shows now (issue 10: the printable patient summary).
 * Electron renders the sender's page with webContents.printToPDF (A4, print CSS) and writes it
 * to a file the user picks in the system's save dialog; browser mode has neither and answers
 * 'use-browser-print', so the renderer calls window.print() instead. Failures arrive as
 * RpcError code `print-failed` (never patient data in the message).
 */
export const PrintToPdfResult = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('saved'), path: z.string(), bytes: z.number().int().min(0) }),
  z.object({ outcome: z.literal('cancelled') }),
  z.object({ outcome: z.literal('use-browser-print') }),
]);
export type PrintToPdfResult = z.infer<typeof PrintToPdfResult>;

export const printMethods = {
  'print.toPdf': {
    params: z.object({ suggestedName: z.string().trim().min(1).max(120).regex(/^[^/\\:*?"<>|]+$/) }).strict(),
    result: PrintToPdfResult,
  },
} as const;

export const mainApi = {
  methods: {
    'app.info': { params: Empty, result: AppInfo },
    ...cloudMethods,
    ...backupMethods,
    ...printMethods,
    ...fhirServerMethods,
    /** Simulated devices this host offers (training mode, demo, tests). */
    'devices.simulators': { params: Empty, result: z.array(SimulatorInfo) },
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
    /** One download session: progress, device identity, reading batches, summary, then the raw capture. */
    'devices.download': {
      params: z
        .object({
          target: DeviceTarget,
          /** Highest record sequence already stored for this device, so the session resumes after it. */
          highWater: z.number().int().nullable(),
          setClockIfSkewed: z.boolean().default(false),
          timeZone: z.string().min(1).max(64),
        })
        .strict(),
      chunk: DownloadChunk,
    },
    /** Health devices advertising nearby over Bluetooth, the list again whenever it changes, until cancelled. */
    'devices.scanBle': {
      params: z.object({}).strict(),
      chunk: z.array(z.object({ address: z.string(), name: z.string().nullable(), family: z.string(), rssi: z.number() })),
    },
    /** A connected device's live stream (heart-rate strap, ECG) until cancelled. */
    'devices.live': {
      params: z.object({ target: DeviceTarget, seconds: z.number().int().min(1).max(3600).default(600) }).strict(),
      chunk: LiveChunk,
    },
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
