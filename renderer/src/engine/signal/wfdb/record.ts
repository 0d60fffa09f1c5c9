import { parseHeader, type WfdbHeader } from './header';
import { decodeSignals, type WfdbSignalData } from './samples';

export interface WfdbRecord {
  header: WfdbHeader;
  signals: WfdbSignalData[];
}

/**
 * Reads a whole record from its header text and a loader for the files the header names
 * (kept as a callback so this module stays free of any file system).
 */
export function readRecord(headerText: string, loadFile: (fileName: string) => Uint8Array): WfdbRecord {
  const header = parseHeader(headerText);
  return { header, signals: decodeSignals(header, loadFile) };
}
