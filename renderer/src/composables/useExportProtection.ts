import { computed, reactive } from 'vue';
import type { ExportProtection } from '../../../common/exports/sealed-file';
import { MIN_PASSPHRASE_LENGTH } from '../components/backup/passphrase-strength';

/**
 * The choice every export that leaves the workstation asks for (issue 9): encrypted with a
 * passphrase, typed twice, by default; plain only after an explicit confirmation. Shared by
 * the export cards with ExportProtectionFields.vue.
 */
export interface ExportProtectionChoice {
  format: 'encrypted' | 'plain';
  plainConfirmed: boolean;
  passphrase: string;
  passphraseAgain: string;
}

export function useExportProtection() {
  const choice = reactive<ExportProtectionChoice>({ format: 'encrypted', plainConfirmed: false, passphrase: '', passphraseAgain: '' });
  /** Why the export cannot run yet, in words for staff; undefined when it can. */
  const problem = computed<string | undefined>(() => {
    if (choice.format === 'plain') return choice.plainConfirmed ? undefined : 'Confirm that the file will not be encrypted.';
    if (choice.passphrase.length < MIN_PASSPHRASE_LENGTH) return `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`;
    if (choice.passphrase !== choice.passphraseAgain) return 'The two passphrases differ.';
    return undefined;
  });
  const protection = (): ExportProtection =>
    choice.format === 'plain' && choice.plainConfirmed ? { kind: 'plain', confirmedPlain: true } : { kind: 'encrypted', passphrase: choice.passphrase };
  /** Forgets the passphrase once the file is made. */
  const clearPassphrase = () => {
    choice.passphrase = '';
    choice.passphraseAgain = '';
  };
  return { choice, problem, protection, clearPassphrase };
}
