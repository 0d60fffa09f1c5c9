import { describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { PushRequestSchema, hasUnstorableText } from '../../../common/sync/protocol';
import { HttpError } from '../../../server/http/errors';
import { holdsUnstorableText, parsePushBody } from '../../../server/sync/push-body';

const stamp = '1795619615418-000000-wsA';
const change = (value: unknown) => ({ changeId: newId(), table: 'patients', rowId: newId(), fields: { family: { value, stamp } } });

describe('push body validation on the server', () => {
  const samples: unknown[] = [
    'plain',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\ud83d\ude00 paired surrogates are fine',
    '\\u0000 is how you write NUL',
    '\udc00\ud800 reversed pair',
    'ends on a high surrogate \ud83d',
    '\ud83d\ude00\udc00 a pair then a lone low one',
    { nested: ['ok', { deeper: 'a\u0000' }] },
    { ['key\ud800']: 1 },
    [1, true, null, 'é'],
  ];

  it('refuses exactly the text the shared protocol check refuses', () => {
    for (const value of samples) expect(holdsUnstorableText([change(value)]), JSON.stringify(value)).toBe(hasUnstorableText([change(value)]));
  });

  it('accepts and refuses the same bodies as PushRequestSchema', () => {
    const bodies: unknown[] = [
      ...samples.map((v) => ({ protocol: 2, changes: [change(v)] })),
      { protocol: 3, changes: [change('x')] },
      { protocol: 2, changes: [] },
      { protocol: 2, changes: [change('x')], clinicId: newId() },
      { protocol: 2, changes: [{ ...change('x'), rowId: 'not-a-uuid' }] },
      { protocol: 2, changes: [{ ...change('x'), fields: { family: { value: 'x' } } }] },
      { protocol: 2, changes: Array.from({ length: 1001 }, () => change('x')) },
    ];
    for (const body of bodies) {
      const shared = PushRequestSchema.safeParse(body).success;
      let ours = true;
      try {
        parsePushBody(body);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
        ours = false;
      }
      expect(ours).toBe(shared);
    }
  });

  it('names the rule without echoing the value', () => {
    expect(() => parsePushBody({ protocol: 2, changes: [change('secret\u0000')] })).toThrow(/U\+0000 or unpaired surrogates/);
    try {
      parsePushBody({ protocol: 2, changes: [change('secret\u0000')] });
    } catch (err) {
      expect((err as HttpError).reason).not.toContain('secret');
    }
  });
});
