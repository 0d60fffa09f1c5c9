import type { Resource } from '@medplum/fhirtypes';
import { instant } from './ids';

/**
 * Writing resources out without holding them: a Bundle as a stream of JSON text pieces,
 * and NDJSON (FHIR Bulk Data: one resource per line, one file per resource type) as a
 * stream of lines tagged with their resource type so the caller routes them to files.
 */
export type BundleKind = 'collection' | 'transaction';

export interface BundleOptions {
  kind: BundleKind;
  timestampMs: number;
  /** The server base the ids belong to; entries then carry fullUrl `<base>/<type>/<id>`. */
  baseUrl?: string;
}

function entry(r: Resource, o: BundleOptions): Record<string, unknown> {
  const url = `${r.resourceType}/${r.id ?? ''}`;
  return {
    ...(o.baseUrl ? { fullUrl: `${o.baseUrl.replace(/\/+$/, '')}/${url}` } : {}),
    resource: r,
    ...(o.kind === 'transaction' ? { request: { method: 'PUT', url } } : {}),
  };
}

export async function* bundleJson(resources: AsyncIterable<Resource>, o: BundleOptions): AsyncGenerator<string> {
  yield `{"resourceType":"Bundle","type":"${o.kind}","timestamp":"${instant(o.timestampMs)}","entry":[`;
  let first = true;
  for await (const r of resources) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(entry(r, o))}`;
    first = false;
  }
  yield '\n]}\n';
}

export interface NdjsonLine {
  resourceType: string;
  /** One resource as JSON, without the newline. */
  line: string;
}

export async function* ndjsonLines(resources: AsyncIterable<Resource>): AsyncGenerator<NdjsonLine> {
  for await (const r of resources) yield { resourceType: r.resourceType, line: JSON.stringify(r) };
}

/** A whole Bundle object for small exports (one patient) and tests. */
export function bundleOf(resources: readonly Resource[], o: BundleOptions): { resourceType: 'Bundle'; type: BundleKind; timestamp: string; entry: Record<string, unknown>[] } {
  return { resourceType: 'Bundle', type: o.kind, timestamp: instant(o.timestampMs), entry: resources.map((r) => entry(r, o)) };
}
