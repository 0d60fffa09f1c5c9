import { describe, expect, it } from 'vitest';
import { Base64Error, fromBase64, toBase64 } from '../../../common/backup/base64';

describe('base64 for file pieces on the contract', () => {
  it('matches RFC 4648 both ways for every length remainder and for large pieces', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100_001]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 255);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(text)).toEqual(bytes);
    }
    expect(toBase64(new TextEncoder().encode('foobar'))).toBe('Zm9vYmFy');
  });

  it('refuses text that is not base64', () => {
    expect(() => fromBase64('abc')).toThrow(Base64Error);
    expect(() => fromBase64('ab$d')).toThrow(Base64Error);
    expect(() => fromBase64('a=bc')).toThrow(Base64Error);
  });
});
