import type { Handlers } from '../../../common/contract/channel';
import type { MainApi, printMethods } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { PrintError, type PrintService } from './print-service';

type PrintMethod = keyof typeof printMethods;

/** The 'print.*' methods of the main-process contract. */
export function printHandlers(print: PrintService): Pick<Handlers<MainApi>, PrintMethod> {
  return {
    'print.toPdf': async ({ suggestedName }) => {
      try {
        return await print.toPdf(suggestedName);
      } catch (err) {
        if (err instanceof PrintError) throw new RpcError(err.code, err.message);
        throw err;
      }
    },
  };
}
