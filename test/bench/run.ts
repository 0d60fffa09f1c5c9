import { writeFileSync } from 'node:fs';
import { benchColdStart } from './cold-start.bench';
import { renderReport, type BenchSection } from './report';

/**
 * `npm run bench`: runs every benchmark and writes docs/BENCHMARKS.md. Pass section names
 * to run a subset (e.g. `npm run bench -- cold-start`); the report then holds only those.
 */
const benches: Record<string, () => Promise<BenchSection>> = {
  'cold-start': () => benchColdStart(),
};

const wanted = process.argv.slice(2);
const sections: BenchSection[] = [];
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`bench: ${name}…`);
  const section = await run();
  for (const f of section.figures) console.log(`  ${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}`);
  sections.push(section);
}
writeFileSync('docs/BENCHMARKS.md', renderReport(sections, `npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}`));
console.log('bench: wrote docs/BENCHMARKS.md');
