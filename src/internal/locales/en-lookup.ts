/** English of each element's lookup form: each element's module registers its own (`addEnglish`). */
import type { DishhomeMessages, DreamerMessages, NeaMessages } from '../i18n.js';

export const enNea: NeaMessages = {
  counter: 'NEA counter',
  counterHint: 'Type to search, then pick your counter',
  counterNone: 'No counter matches',
  scNo: 'SC No',
  scNoHint: 'Three groups separated by dots, e.g. 024.12.512',
  consumerId: 'Consumer ID',
  consumerIdHint: 'Digits only, e.g. 3042',
  consumerNo: 'Consumer number',
  consumerNoHint: 'The new number on your NEA bill, digits only, e.g. 1001613602',
  migratedCounter: 'This office has moved to NEA’s new billing: enter your new consumer number.',
  useOldNumbers: 'I only know my old SC No and consumer ID',
  useConsumerNo: 'I have the new consumer number',
  oldNumbersHint: 'Enter your old SC No and consumer ID: we find your new consumer number from them.',
  showCounters: 'Show all counters',
};

export const enDreamer: DreamerMessages = {
  service: 'Electricity provider',
  customerCode: 'Customer code',
  customerCodeHint: 'As printed on your bill, e.g. 01-1',
};

export const enDishhome: DishhomeMessages = {
  dishCustomerId: 'Customer ID',
  dishCustomerIdHint: 'The Dish Home customer ID (digits), e.g. 71909771942',
  findCustomer: 'Find customer',
};
