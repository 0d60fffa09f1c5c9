import type { DBCore, DBCoreMutateRequest, DBCoreQueryRequest, DBCoreTable, DBCoreTransaction, Dexie, Middleware } from 'dexie';
import { can, dataAction, PermissionDeniedError, type Action, type RecordType } from '../../../common/security/permissions';
import type { Role } from '../../../common/security/roles';
import { INFRASTRUCTURE_TABLES, isSettingsMetaKey, recordTypeOfTable } from '../../../common/security/tables';
import { currentActor, isSystemTransaction } from '../security/current-actor';

/**
 * The permission matrix (common/security/permissions.ts) enforced where the workstation
 * reads and writes its data, so hiding a button is never the only protection. Every DBCore
 * table operation is checked for the database's current actor
 * (renderer/src/security/current-actor.ts — 'system' by default, see there):
 *
 * - get / getMany / query / openCursor / count → read; add → create; put (insert or
 *   replace) → create and update, or delete when it writes a tombstone (`deleted: true`);
 *   delete / deleteRange → delete. Record types with 'manage' need it for every write, and
 *   append-only ones (notes, consents: no update in the matrix) are only ever added.
 * - 'system' passes, and so do transactions marked by runAsSystem and schema upgrades.
 * - 'nobody' (locked, or no one signed in) may read users and settings — what sign-in
 *   needs — and append to the audit log (failed sign-ins); nothing else.
 * - The audit log is append-only for everyone, the app included: add is allowed to every
 *   actor (it records views and sign-ins as well as writes); put and delete are refused;
 *   reading it needs the audit read permission, except the chain's last entry, which every
 *   append reads inside its read-write transaction to link the new entry to it.
 * - meta and outbox are bookkeeping beside checked writes and pass for users, except
 *   writes of settings keys in meta (e.g. billing rules) which need 'manage settings';
 *   'nobody' may use meta only (the outbox holds patient changes).
 * - A table without a record type (common/security/tables.ts) is refused to users and to
 *   nobody: a new table must be mapped before people can use it.
 *
 * A refusal throws PermissionDeniedError before anything reaches IndexedDB, and the
 * surrounding Dexie transaction aborts, so a refused write writes nothing.
 */

export class UnmappedTableError extends Error {
  override readonly name = 'UnmappedTableError';
  constructor(readonly table: string) {
    super(`table ${table} has no record type in the permission map (common/security/tables.ts), so only the app itself may use it`);
  }
}

type Op = 'read' | 'create' | 'update' | 'delete';
type Who = { kind: 'system' } | { kind: 'nobody' } | { kind: 'user'; role: Role };

const NOBODY_READS: ReadonlySet<RecordType> = new Set<RecordType>(['user', 'settings']);

/** Dexie's version upgrades run in IndexedDB's versionchange transaction: migrations pass whoever is signed in. */
function isSchemaUpgrade(trans: DBCoreTransaction): boolean {
  return (trans as { mode?: unknown }).mode === 'versionchange';
}

function deny(who: Who, action: Action, recordType: RecordType | 'outbox'): never {
  throw new PermissionDeniedError(who.kind === 'user' ? who.role : who.kind, action, recordType);
}

function allowedFor(who: Who, action: Action, recordType: RecordType): boolean {
  if (who.kind === 'system') return true;
  if (who.kind === 'nobody') return action === 'read' && NOBODY_READS.has(recordType);
  return can(who.role, action, recordType);
}

/** The audit chain's tail: the one entry with the highest seq, which appendAudit links a new entry to. */
function isChainTailQuery(req: DBCoreQueryRequest): boolean {
  const index = req.query.index;
  return req.limit === 1 && req.direction === 'prev' && (index.isPrimaryKey === true || index.keyPath === 'seq');
}

function guardedTable(down: DBCoreTable, who: (trans: DBCoreTransaction) => Who, readwrite: WeakSet<object>): DBCoreTable {
  const name = down.name;
  const infrastructure = INFRASTRUCTURE_TABLES.includes(name);
  const recordType = recordTypeOfTable(name);

  function checkInfrastructure(actor: Who, op: Op, req?: DBCoreMutateRequest): void {
    if (actor.kind === 'system') return;
    if (name !== 'meta') {
      if (actor.kind === 'nobody') deny(actor, op, 'outbox');
      return;
    }
    if (!req || req.type === 'deleteRange') return;
    const keys = req.type === 'delete' ? req.keys : (req.keys ?? req.values.map((v: { key?: unknown }) => v.key));
    if (keys.some(isSettingsMetaKey) && !allowedFor(actor, 'manage', 'settings')) deny(actor, 'manage', 'settings');
  }

  function checkRead(trans: DBCoreTransaction, query?: DBCoreQueryRequest): void {
    const actor = who(trans);
    if (infrastructure) return checkInfrastructure(actor, 'read');
    if (actor.kind === 'system') return;
    if (!recordType) throw new UnmappedTableError(name);
    if (allowedFor(actor, 'read', recordType)) return;
    if (recordType === 'audit' && query && readwrite.has(trans) && isChainTailQuery(query)) return;
    deny(actor, 'read', recordType);
  }

  /**
   * A put replaces a row or inserts it, and the layers below need the Dexie transaction's
   * zone, which an awaited lookup would lose — so a put needs both create and update
   * (or delete, when it writes a tombstone, `deleted: true`) without asking which rows exist.
   */
  function writeOps(req: DBCoreMutateRequest): Op[] {
    if (req.type === 'add') return ['create'];
    if (req.type === 'delete' || req.type === 'deleteRange') return ['delete'];
    const ops = new Set<Op>();
    for (const v of req.values as readonly ({ deleted?: unknown } | undefined)[]) {
      if (v?.deleted === true) ops.add('delete');
      else ops.add('create').add('update');
    }
    return [...ops];
  }

  function checkWrite(req: DBCoreMutateRequest): void {
    const actor = who(req.trans);
    if (infrastructure) return checkInfrastructure(actor, req.type === 'add' ? 'create' : req.type === 'put' ? 'update' : 'delete', req);
    if (recordType === 'audit') {
      // Append-only for every actor: the hash chain is the evidence, and no one rewrites evidence.
      if (req.type === 'add' || isSchemaUpgrade(req.trans)) return;
      deny(actor, req.type === 'put' ? 'update' : 'delete', 'audit');
    }
    if (actor.kind === 'system') return;
    if (!recordType) throw new UnmappedTableError(name);
    for (const op of writeOps(req)) {
      const action = dataAction(recordType, op);
      if (!allowedFor(actor, action, recordType)) deny(actor, action, recordType);
    }
  }

  // Checks run before the call below, in the same tick: Dexie's lower middlewares read the transaction's zone.
  const guarded = <T>(check: () => void, run: () => Promise<T>): Promise<T> => {
    try {
      check();
    } catch (err) {
      return Promise.reject(err);
    }
    return run();
  };

  return {
    ...down,
    mutate: (req) => guarded(() => checkWrite(req), () => down.mutate(req)),
    get: (req) => guarded(() => checkRead(req.trans), () => down.get(req)),
    getMany: (req) => guarded(() => checkRead(req.trans), () => down.getMany(req)),
    query: (req) => guarded(() => checkRead(req.trans, req), () => down.query(req)),
    openCursor: (req) => guarded(() => checkRead(req.trans), () => down.openCursor(req)),
    count: (req) => guarded(() => checkRead(req.trans), () => down.count(req)),
  };
}

/** The DBCore middleware of one database; CareLoopDb installs it with `this.use(permissionMiddleware(this))`. */
export function permissionMiddleware(db: Dexie): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'careloop-permissions',
    create(down) {
      const readwrite = new WeakSet<object>();
      const who = (trans: DBCoreTransaction): Who => {
        if (isSystemTransaction(trans) || isSchemaUpgrade(trans)) return { kind: 'system' };
        const actor = currentActor(db);
        return actor.kind === 'user' ? { kind: 'user', role: actor.role } : actor.kind === 'nobody' ? { kind: 'nobody' } : { kind: 'system' };
      };
      return {
        ...down,
        transaction(stores, mode, options) {
          const trans = down.transaction(stores, mode, options);
          if (mode === 'readwrite') readwrite.add(trans);
          return trans;
        },
        table(name) {
          return guardedTable(down.table(name), who, readwrite);
        },
      };
    },
  };
}
