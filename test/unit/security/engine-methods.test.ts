import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../common/contract/rpc';
import type { Handlers } from '../../../common/contract/channel';
import { can } from '../../../common/security/permissions';
import { ROLES, type DataActor } from '../../../common/security/roles';
import type { EngineApi } from '../../../renderer/src/engine/api';
import { ENGINE_METHOD_PERMISSIONS, guardEngineHandlers } from '../../../renderer/src/engine/method-permissions';

type Method = keyof typeof ENGINE_METHOD_PERMISSIONS;
const METHODS = Object.keys(ENGINE_METHOD_PERMISSIONS) as Method[];

/** Handlers that only record that they ran: the guard is what is under test. */
function recordingHandlers(ran: string[]): Handlers<EngineApi> {
  return Object.fromEntries(METHODS.map((m) => [m, () => (ran.push(m), 'ran')])) as unknown as Handlers<EngineApi>;
}

describe('engine methods walk the permission matrix for every role', () => {
  for (const role of ROLES) {
    it(`${role}: each method runs exactly when the matrix allows it`, async () => {
      const ran: string[] = [];
      const actor: DataActor = { kind: 'user', userId: 'u1', name: 'Someone', role };
      const guarded = guardEngineHandlers(recordingHandlers(ran), () => actor) as unknown as Record<Method, (p: unknown) => unknown>;
      for (const m of METHODS) {
        const need = ENGINE_METHOD_PERMISSIONS[m];
        const allowed = need === 'open' || need === 'signed-in' || can(role, need.action, need.record);
        ran.length = 0;
        if (allowed) {
          expect(await guarded[m]({})).toBe('ran');
          expect(ran).toEqual([m]);
        } else {
          expect(() => guarded[m]({})).toThrowError(RpcError);
          expect(ran).toEqual([]);
        }
      }
    });
  }

  it('a locked session may call only the open methods; the app itself may call all', () => {
    const ran: string[] = [];
    const locked = guardEngineHandlers(recordingHandlers(ran), () => ({ kind: 'nobody' })) as unknown as Record<Method, (p: unknown) => unknown>;
    for (const m of METHODS) {
      if (ENGINE_METHOD_PERMISSIONS[m] === 'open') expect(locked[m]({})).toBe('ran');
      else expect(() => locked[m]({})).toThrowError(/sign in/);
    }
    const system = guardEngineHandlers(recordingHandlers(ran), () => ({ kind: 'system', reason: 'test' })) as unknown as Record<Method, (p: unknown) => unknown>;
    for (const m of METHODS) expect(system[m]({})).toBe('ran');
  });

  it('an auditor may not acknowledge alerts or download devices; a nurse may', () => {
    const guard = (role: (typeof ROLES)[number]) => guardEngineHandlers(recordingHandlers([]), () => ({ kind: 'user', userId: 'u', name: 'n', role })) as unknown as Record<Method, (p: unknown) => unknown>;
    expect(() => guard('auditor')['alert.act']({})).toThrowError(/auditor role may not acknowledge alert/);
    expect(() => guard('auditor')['device.download']({})).toThrowError(RpcError);
    expect(guard('nurse')['alert.act']({})).toBe('ran');
    expect(guard('nurse')['device.download']({})).toBe('ran');
  });
});
