import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { benchColdStart } from './cold-start.bench';
import { renderReport, type BenchSection } from './report';
import { benchSeries } from './series.bench';

/**
 * `npm run bench`: runs every benchmark and writes docs/BENCHMARKS.md (and the raw
 * docs/bench-results.json). `npm run bench -- series cold-start` re-measures only those
 * sections and keeps the others as last measured.
 */
const benches: Record<string, () => Promise<BenchSection>> = {
  'cold-start': () => benchColdStart(),
  series: () => benchSeries(),
  sync: async () => (await import('./sync.bench')).benchSync(),
  'hid-decode': async () => (await import('./hid-decode.bench')).benchHidDecode(),
  qrs: async () => (await import('./qrs.bench')).benchQrs(),
  decode: async () => (await import('./decode.bench')).benchDecode(),
  'rpm-worklist': async () => (await import('./rpm-worklist.bench')).benchRpmWorklist(),
  rules: async () => (await import('./rules.bench')).benchRules(),
  dashboard: async () => (await import('./dashboard.bench')).benchDashboard(),
  backup: async () => (await import('./backup.bench')).benchBackup(),
  crm: async () => (await import('./crm.bench')).benchCrm(),
  imports: async () => (await import('./imports.bench')).benchImports(),
  'imports-1gb': async () => (await import('./imports.bench')).benchImportsGigabyte(),
  baselines: async () => (await import('./baselines.bench')).benchBaselines(),
  population: async () => (await import('./population.bench')).benchPopulation(),
};

const RESULTS = 'docs/bench-results.json';
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in benches));
if (unknown.length) {
  console.error(`bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const results: Record<string, BenchSection> = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, BenchSection>) : {};
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`bench: ${name}…`);
  const section = await run();
  section.measuredAt = new Date().toISOString();
  section.command = `npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}`;
  for (const f of section.figures) console.log(`  ${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}`);
  results[name] = section;
}
const ordered = Object.keys(benches).filter((k) => results[k]).map((k) => results[k]!);
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync('docs/BENCHMARKS.md', renderReport(ordered));
console.log('bench: wrote docs/BENCHMARKS.md');
