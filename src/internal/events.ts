/** The widgets' event family: prefix-free, kebab-case, typed details, bubbling and composed. */
import type { FundingMethod, Payment, ServiceId, WidgetErrorCode } from '../api.js';

/** How the customer's money was taken, and where it is now (captured, refunded, refund due...). */
export type FundingDetail = NonNullable<Payment['funding']>;
import type { Step } from './flow.js';

export interface PaySuccessDetail {
  service: ServiceId;
  reference: string;
  transactionId: string | null;
  amountPaisa: number;
  serviceChargePaisa: number;
  totalPaisa: number;
  /** NEA: which generation of NEA's billing served the payment (`v2` at a migrated counter); absent for other services. */
  generation?: 'v1' | 'v2';
  /** A funded payment: the method and the funding's state. */
  funding?: FundingDetail;
}

/**
 * Where a failure happened: loading a list the form needs, looking the account up, pricing the amount,
 * paying, or funding the payment (the funding widget).
 */
export type PayErrorStage = 'load' | 'lookup' | 'price' | 'pay' | 'funding';

export interface PayErrorDetail {
  service: ServiceId;
  /** Where the failure happened. */
  stage: PayErrorStage;
  /** The proxy's error code (ERROR_CODES), or the widget's own (CLIENT_ERROR_CODES: NETWORK, PAY_UNCONFIRMED...). */
  code: WidgetErrorCode;
  /** Localized text, as the widget shows it. */
  message: string;
  /** The biller's reason as the widget shows it beside the message (localized), or null. */
  reason: string | null;
  /** The recognised biller reason code behind `reason` (REASON_CODES), or null. */
  reasonCode: string | null;
  /** Whether the same step may be tried again without risk. */
  retryable: boolean;
  /** Set when a payment was recorded, or named by the proxy while unconfirmed (PAY_UNCONFIRMED): the proxy's reference. */
  reference: string | null;
  /** NEA: which generation of NEA's billing served the payment (`v2` at a migrated counter); absent for other services. */
  generation?: 'v1' | 'v2';
  /** A funded payment: the method and the funding's state. */
  funding?: FundingDetail;
}

export interface PayPendingDetail {
  service: ServiceId;
  reference: string;
  amountPaisa: number;
  totalPaisa: number;
  /** NEA: which generation of NEA's billing served the payment (`v2` at a migrated counter); absent for other services. */
  generation?: 'v1' | 'v2';
  /** A funded payment: the method and the funding's state. */
  funding?: FundingDetail;
}

export interface PayAuthRequiredDetail {
  service: ServiceId;
  /**
   * The proxy refused the host's access token (missing, expired or invalid). Renew it, and pass the
   * renewal's promise here: the widget waits for it, then sends the refused request once more with the
   * new token (safe: a refused request did nothing).
   */
  waitUntil(renewal: Promise<unknown>): void;
}

export interface PayFundingDetail {
  service: ServiceId;
  /** The gateway the page is leaving for. */
  method: FundingMethod;
  /** The payment's reference: the page comes back to it. */
  reference: string;
}

export interface PayStepDetail {
  service: ServiceId;
  step: Step;
}

/** The widgets' events, by name (each in `GlobalEventHandlersEventMap` with its detail type). */
export type PayEventName = 'pay-success' | 'pay-error' | 'pay-pending' | 'pay-step' | 'pay-auth-required' | 'pay-funding';

declare global {
  interface GlobalEventHandlersEventMap {
    'pay-success': CustomEvent<PaySuccessDetail>;
    'pay-error': CustomEvent<PayErrorDetail>;
    'pay-pending': CustomEvent<PayPendingDetail>;
    'pay-step': CustomEvent<PayStepDetail>;
    'pay-auth-required': CustomEvent<PayAuthRequiredDetail>;
    'pay-funding': CustomEvent<PayFundingDetail>;
  }
}

export function emit<K extends PayEventName>(
  target: EventTarget,
  name: K,
  detail: GlobalEventHandlersEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
