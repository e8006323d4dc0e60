/** The widgets (browser ESM): importing this module defines the custom elements. */
export { NeaPay } from './nea-pay.js';
export { DreamerPay } from './dreamer-pay.js';
export { DishhomeRecharge } from './dishhome-recharge.js';
export { PayElement } from './internal/pay-element.js';
export type { Locale } from './internal/i18n.js';
export type { Theme } from './internal/styles.js';
export type { FundingDetail, PayAuthRequiredDetail, PayErrorDetail, PayErrorStage, PayFundingDetail, PayPendingDetail, PayStepDetail, PaySuccessDetail } from './internal/events.js';
export type { Bill, Charge, Fact, Package, Payment, Quote, ServiceId } from './api.js';
export { formatNpr, paisaToRupees, rupeesToPaisa } from './money.js';
