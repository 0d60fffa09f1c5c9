import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One benchmark's figures: name, value, unit, and the target it is held against (if any). */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface BenchSection {
  title: string;
  method: string;
  figures: BenchFigure[];
  /** Filled in by the runner: when and by which command this section was measured. */
  measuredAt?: string;
  command?: string;
}

export function machineDescription(): string {
  let chromium = 'not installed';
  try {
    chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // leave as not installed
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `- CPU: ${cpu}, ${cpus().length} cores`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node: ${process.version}; ${chromium}`,
    `- OS: ${process.platform} ${process.arch}`,
  ].join('\n');
}

export function renderReport(sections: BenchSection[]): string {
  const lines = [
    '# CareLoop benchmarks',
    '',
    'Written by `npm run bench` (test/bench/run.ts; `npm run bench -- <name>` re-measures one',
    'section and keeps the others). Every figure comes from the run noted under its section;',
    'the raw figures are in docs/bench-results.json. Targets come from the issues; tests never',
    'assert timings.',
    '',
    '## Machine',
    '',
    machineDescription(),
    '',
  ];
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', s.method, '', `Measured ${s.measuredAt ?? 'at an unknown time'} with \`${s.command ?? 'npm run bench'}\`.`, '', '| measure | value | target | met |', '| --- | --- | --- | --- |');
    for (const f of s.figures) {
      const value = `${Number.isInteger(f.value) ? f.value.toLocaleString('en-US') : f.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${f.unit}`;
      lines.push(`| ${f.name}${f.note ? ` (${f.note})` : ''} | ${value} | ${f.target ?? '—'} | ${f.met === undefined ? '—' : f.met ? 'yes' : '**no**'} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
