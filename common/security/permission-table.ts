import { PERMISSIONS } from './permissions';
import { ROLE_LABELS, ROLES } from './roles';

/**
 * The permission matrix as a Markdown table, for docs/SECURITY.md ("Roles and permissions").
 * A unit test keeps the document equal to the data, so the two never drift apart.
 */
export function permissionMatrixMarkdown(): string {
  const header = `| Record type | Action | ${ROLES.map((r) => ROLE_LABELS[r].replace(/ \(.*\)$/, '')).join(' | ')} |`;
  const rule = `| --- | --- | ${ROLES.map(() => ':---:').join(' | ')} |`;
  const rows = PERMISSIONS.map((p) => `| ${p.recordType} | ${p.action} | ${ROLES.map((r) => (p.roles.includes(r) ? '✓' : '—')).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
