import { RpcError } from '../../../common/contract/rpc';
import type { Handlers } from '../../../common/contract/channel';
import { can, type Action, type RecordType } from '../../../common/security/permissions';
import type { DataActor } from '../../../common/security/roles';
import type { EngineApi } from './api';

/**
 * What a person must be allowed to do to call each engine method (issue 9: the matrix is
 * enforced where data is read and written, and the engine worker writes on people's behalf).
 *
 * The worker's own database always acts as 'system': sync, the alert pipeline, workflows and
 * the schedulers must keep working while the screen is locked or a front-desk user is signed
 * in, so the worker's data layer cannot carry the signed-in person's role. Instead every
 * method a person calls through the UI is checked here against the session's actor before
 * it runs. 'open' methods carry no patient data or are the app's own background calls.
 */
export type MethodRequirement = { action: Action; record: RecordType } | 'open' | 'signed-in';

type EngineMethod = keyof EngineApi['methods'] & string;

export const ENGINE_METHOD_PERMISSIONS: Readonly<Record<EngineMethod, MethodRequirement>> = {
  'engine.status': 'open',
  'session.set': 'open',
  'auth.hash': 'open',
  'auth.verify': 'open',
  // The UI thread's timer; the work is the clinic's own automation.
  'alerts.tick': 'open',
  'demo.load': { action: 'manage', record: 'settings' },
  'device.download': { action: 'create', record: 'observation' },
  'live.start': { action: 'create', record: 'observation' },
  'live.stop': 'signed-in',
  'live.running': 'open',
  'alert.act': { action: 'acknowledge', record: 'alert' },
  'rules.save': { action: 'manage', record: 'alert-rule' },
  'import.file': { action: 'create', record: 'observation' },
  'import.cancel': 'signed-in',
  'segments.evaluate': { action: 'read', record: 'segment' },
  'dashboard.compute': { action: 'read', record: 'patient' },
  // Population figures are made from readings: the roles that may read them (the view says so).
  'population.compute': { action: 'read', record: 'observation' },
  // The status bar's counts and times; no patient data.
  'sync.status': 'open',
  'sync.connect': { action: 'manage', record: 'settings' },
  'sync.now': 'signed-in',
  'sync.forget': { action: 'manage', record: 'settings' },
  'sync.conflicts': { action: 'manage', record: 'settings' },
};

/** Why the session's actor may not call `method`, or undefined when it may. */
export function engineRefusal(method: EngineMethod, actor: DataActor): string | undefined {
  const need = ENGINE_METHOD_PERMISSIONS[method];
  if (need === 'open' || actor.kind === 'system') return undefined;
  if (actor.kind === 'nobody') return 'sign in (or unlock) first';
  if (need === 'signed-in') return undefined;
  return can(actor.role, need.action, need.record) ? undefined : `the ${actor.role} role may not ${need.action} ${need.record} records`;
}

/** Wraps every handler so a refused call throws RpcError('forbidden') before any work starts. */
export function guardEngineHandlers(handlers: Handlers<EngineApi>, sessionActor: () => DataActor): Handlers<EngineApi> {
  const guarded: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [EngineMethod, (params: unknown) => unknown][]) {
    guarded[name] = (params: unknown) => {
      const refusal = engineRefusal(name, sessionActor());
      if (refusal) throw new RpcError('forbidden', `Not allowed: ${refusal}.`);
      return handler(params);
    };
  }
  return guarded as Handlers<EngineApi>;
}
