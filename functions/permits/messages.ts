import type { Message } from '../shared/i18n.js';

/** Texts of the permits e-service's problem details. */
export const permitMessages = {
  permitTypeNotFound: { sv: 'Tillståndstypen {permitType} finns inte.', en: 'The permit type {permitType} does not exist.' },
  taskNotFound: { sv: 'Uppgiften finns inte, eller så hör den inte till din förvaltning.', en: 'The task does not exist, or it is not for your department.' },
  taskExpired: { sv: 'Uppgiften har gått ut.', en: 'The task has expired.' },
  taskDecided: { sv: 'Uppgiften är redan beslutad.', en: 'The task has already been decided.' },
  noQuestion: { sv: 'Ingen fråga väntar på svar i ärendet.', en: 'No question in this case is waiting for an answer.' },
} as const satisfies Record<string, Message>;
