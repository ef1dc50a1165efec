// One sentence per reason, for extensions.privacy: what a UI can show next to
// a withheld value instead of an empty cell.

import type { Purpose, Reason } from '../policy/vocabulary';

export function explainReason(reason: Reason, purpose: Purpose): string {
  switch (reason) {
    case 'PERSONAL_DATA_VIEW':
      return 'shown in full: personal-data view';
    case 'SENSITIVE_ANONYMOUS_VIEW':
      return 'special-category data is never part of an anonymous view';
    case 'SENSITIVE_DATA_USE_OPTED_OUT':
      return 'the customer has not consented to the use of their sensitive data';
    case 'SENSITIVE_PURPOSE_NOT_ALLOWED':
      return `special-category data not collected for ${purpose}`;
    case 'SENSITIVE_PURPOSE_ALLOWED':
    case 'PURPOSE_ALLOWED':
      return `collected for ${purpose}`;
    case 'ANONYMOUS_VIEW':
      return 'anonymous view: generalized, pseudonymized or left out';
    case 'SELECTIVE_ANONYMIZATION':
      return `not collected for ${purpose}: anonymized for disclosure`;
    case 'PURPOSE_NOT_ALLOWED':
      return `not collected for ${purpose}: masked or left out`;
  }
}
