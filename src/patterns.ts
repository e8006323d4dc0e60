/**
 * The field patterns of the shared contract (fields.ts re-exports them, and api.ts's schemas use them): a module
 * of their own, so an element's first load, whose lookup form checks them, takes nothing else of fields.ts.
 */

/** NEA SC No: three alphanumeric groups separated by dots (seed: "02A.12.512"). */
export const SC_NO = /^[A-Za-z0-9]{1,10}\.[A-Za-z0-9]{1,10}\.[A-Za-z0-9]{1,10}$/;
/** NEA consumer ID: digits (seed: "3042"). */
export const CONSUMER_ID = /^\d{1,12}$/;
/** NEA counter value: "<number>:<slug>" (seed: "243:aanbu-dc"). */
export const OFFICE_CODE = /^\d{1,6}:[a-z0-9-]{1,60}$/;

/** NEA's new consumer number, given by migrated offices (second generation; aggregator docs: "1001613602"). */
export const CONSUMER_NO = /^\d{1,20}$/;

/** Dreamer Electricity: one of the merchant's enabled services (slug) and the customer code (seed: "01-1"). */
export const DREAMER_SLUG = /^[a-z0-9-]{1,60}$/;
export const CUSTOMER_CODE = /^[A-Za-z0-9-]{1,30}$/;

/** Dish Home customer id: digits (staging: "71909771942"). */
export const DISHHOME_CUSTOMER_ID = /^\d{1,20}$/;
