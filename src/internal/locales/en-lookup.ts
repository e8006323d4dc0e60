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
