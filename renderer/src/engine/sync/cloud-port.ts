import type { ContractClient } from '../../../../common/contract/channel';
import type { CloudAnchorParams, CloudAnchorResult, CloudStatus } from '../../../../common/contract/cloud-api';
import type { MainApi } from '../../../../common/contract/main-api';
import type { PullPage, PushRequest, PushResponse } from '../../../../common/sync/protocol';

/**
 * What the sync engine needs of the cloud instance. In the app the main process carries
 * these calls (the credential lives there); tests plug in a server started in-process.
 * Failures reject with an Error whose `code` is one of the contract's cloud error codes.
 */
export interface CloudPort {
  status(): Promise<CloudStatus>;
  enrol(serverUrl: string, enrolmentCode: string, workstationName: string): Promise<CloudStatus>;
  forget(): Promise<CloudStatus>;
  push(request: PushRequest): Promise<PushResponse>;
  pull(since: string, limit: number): Promise<PullPage>;
  /** Anchors the audit chain head on the server (issue 9); a port without it does not anchor. */
  anchor?(head: CloudAnchorParams): Promise<CloudAnchorResult>;
}

export function cloudPortFromMain(main: ContractClient<MainApi>): CloudPort {
  return {
    status: () => main.call('cloud.status', {}),
    enrol: (serverUrl, enrolmentCode, workstationName) => main.call('cloud.enrol', { serverUrl, enrolmentCode, workstationName }),
    forget: () => main.call('cloud.forget', {}),
    push: (request) => main.call('cloud.push', request),
    pull: (since, limit) => main.call('cloud.pull', { since, limit }),
    anchor: (head) => main.call('cloud.anchor', head),
  };
}

/** The error code of a failed cloud call, if it has one. */
export function cloudErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Failures that say nothing about the data: the server or the way to it is down; try again later. */
export function isTransient(err: unknown): boolean {
  const code = cloudErrorCode(err);
  return code === 'cloud-unreachable' || code === 'timeout' || code === 'disconnected';
}
