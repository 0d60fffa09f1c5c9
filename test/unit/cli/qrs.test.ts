import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { HAVE_MITDB, MITDB_DIR, MITDB_SKIP_REASON } from '../signal/mitdb';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const RECORD = join(MITDB_DIR, '100');
const scratch = mkdtempSync(join(tmpdir(), 'careloop-qrs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

if (!HAVE_MITDB) console.warn(MITDB_SKIP_REASON);

describe('careloop qrs and qrs-eval on MIT-BIH record 100', () => {
  it.skipIf(!HAVE_MITDB)('qrs prints the sampling rate and the R-peak sample indices', async () => {
    const r = await run(['qrs', RECORD]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const parsed = JSON.parse(r.out) as { fs: number; beats: number[] };
    expect(parsed.fs).toBe(360);
    expect(parsed.beats.length).toBe(2273);
    expect(parsed.beats.every((b, i) => i === 0 || b > parsed.beats[i - 1]!)).toBe(true);
    expect(Math.abs(parsed.beats[0]! - 77)).toBeLessThanOrEqual(4);
  });
  it.skipIf(!HAVE_MITDB)('qrs-eval prints per-record and gross Se and +P', async () => {
    const r = await run(['qrs-eval', RECORD, RECORD]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out) as { records: { record: string; tp: number; fn: number; fp: number; se: number; ppv: number }[]; gross: { tp: number; se: number; ppv: number } };
    expect(parsed.records).toEqual([
      { record: RECORD, tp: 1902, fn: 0, fp: 0, se: 1, ppv: 1 },
      { record: RECORD, tp: 1902, fn: 0, fp: 0, se: 1, ppv: 1 },
    ]);
    expect(parsed.gross).toEqual({ tp: 3804, fn: 0, fp: 0, se: 1, ppv: 1 });
  });
});

describe('careloop qrs and qrs-eval with bad input', () => {
  it('exits 1 with a one-line reason for a missing record', async () => {
    for (const cmd of ['qrs', 'qrs-eval']) {
      const r = await run([cmd, join(scratch, 'nothing')]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^careloop ${cmd}: cannot read .*nothing\\.hea: no such file\\n$`));
    }
  });
  it('exits 1 for a malformed header, a short signal file and unreadable annotations', async () => {
    writeFileSync(join(scratch, 'bad.hea'), 'bad 1 abc\n');
    let r = await run(['qrs', join(scratch, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^careloop qrs: .*bad\.hea: the sampling frequency is not a number\n$/);

    writeFileSync(join(scratch, 'short.hea'), 'short 1 360 1000\nshort.dat 16 200 16 0\n');
    writeFileSync(join(scratch, 'short.dat'), new Uint8Array(100));
    r = await run(['qrs', join(scratch, 'short')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/short\.dat holds 50 frames, the header announces 1000\n$/);

    writeFileSync(join(scratch, 'ok.hea'), 'ok 1 360 3600\nok.dat 16 200 16 0\n');
    writeFileSync(join(scratch, 'ok.dat'), new Uint8Array(7200));
    r = await run(['qrs', join(scratch, 'ok')]);
    expect(r).toEqual({ code: 0, out: '{"fs":360,"beats":[]}\n', err: '' });
    r = await run(['qrs-eval', join(scratch, 'ok')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^careloop qrs-eval: cannot read .*ok\.atr: the reference annotations are needed\n$/);
    writeFileSync(join(scratch, 'ok.atr'), Uint8Array.from([0x01, 0xf0]));
    r = await run(['qrs-eval', join(scratch, 'ok')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ok\.atr: a NUM, SUB, CHN or AUX word comes before any annotation\n$/);
  });
  it('shows usage for missing arguments', async () => {
    expect((await run(['qrs'])).code).toBe(2);
    expect((await run(['qrs-eval'])).code).toBe(2);
    const help = await run(['qrs', '--help']);
    expect(help.out).toMatch(/Usage: careloop qrs <record>/);
  });
});
