import type { HlcStamp } from '../../../common/sync/hlc';

/** One pending change for the cloud instance, written in the same transaction as the change. */
export interface OutboxEntry {
  seq?: number;
  changeId: string;
  table: string;
  rowId: string;
  /** Changed fields with the clock stamp of this write. */
  fields: Record<string, { value: unknown; stamp: HlcStamp }>;
}
