import type { Migration } from './index';

export const migration009: Migration = {
  version: 9,
  description: 'saved patient segments (message audiences and dashboard filters)',
  stores: {
    // Few rows; the segment pickers list them by name.
    segments: 'id, name',
  },
};
