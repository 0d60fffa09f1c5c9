import { parseVideoUrlTemplate } from '../../../../common/calendar/video-link';
import type { CareLoopDb } from '../../db/database';
import { appendAudit, type WriteContext } from '../../db/journal';
import { VIDEO_URL_TEMPLATE_KEY, videoUrlTemplate } from '../../db/schedule';

/**
 * Saves the clinic's video provider template after validating it (VideoTemplateError
 * otherwise); an empty input removes it. The key is a settings key, so the permission
 * layer lets administrators only write it. Audited.
 */
export async function saveVideoUrlTemplate(db: CareLoopDb, ctx: WriteContext, input: string): Promise<string | undefined> {
  const after = input.trim() ? parseVideoUrlTemplate(input) : undefined;
  await db.transaction('rw', [db.meta, db.audit], async () => {
    const before = await videoUrlTemplate(db);
    if (after) await db.meta.put({ key: VIDEO_URL_TEMPLATE_KEY, value: after });
    else await db.meta.delete(VIDEO_URL_TEMPLATE_KEY);
    await appendAudit(db, ctx, { action: 'settings.video', entity: 'settings', entityId: VIDEO_URL_TEMPLATE_KEY, changes: { videoUrlTemplate: { before, after } } });
  });
  return after;
}
