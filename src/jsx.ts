/**
 * JSX types of the elements for React 19, which sets a custom element's properties from its props and
 * listens to `on<event-name>` props: `<nea-pay endpoint="/api" theme="olive" onpay-success={(e) => e.detail.reference} />`.
 * Types only: `import type {} from 'bill-pay-widgets/jsx'` (`bill-pay-widgets/react` includes them), and
 * import the elements themselves (`import 'bill-pay-widgets'`) before rendering, so React sees properties.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { DishhomeRecharge } from './dishhome-recharge.js';
import type { DreamerPay } from './dreamer-pay.js';
import type { PayEventName } from './internal/events.js';
import type { PayElement } from './internal/pay-element.js';
import type { NeaPay } from './nea-pay.js';

/** `onpay-success`, `onpay-error`, ...: a handler receives the typed CustomEvent. */
export type PayEventHandlers = { [K in PayEventName as `on${K}`]?: (event: GlobalEventHandlersEventMap[K]) => void };

/** The properties every element shares. */
export type PayElementProperty = 'endpoint' | 'locale' | 'theme' | 'logo' | 'accessToken' | 'getAccessToken' | 'resumeKey';

/** An element's JSX props: its properties (all optional), its events, and the usual HTML attributes. */
export type PayElementProps<E extends PayElement, P extends keyof E = never> = DetailedHTMLProps<HTMLAttributes<E>, E> &
  Partial<Pick<E, PayElementProperty | P>> &
  PayEventHandlers;

export type NeaPayProps = PayElementProps<NeaPay, 'officeCode' | 'scNo' | 'consumerId'>;
export type DreamerPayProps = PayElementProps<DreamerPay, 'serviceSlug' | 'customerCode'>;
export type DishhomeRechargeProps = PayElementProps<DishhomeRecharge, 'customerId'>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'nea-pay': NeaPayProps;
      'dreamer-pay': DreamerPayProps;
      'dishhome-recharge': DishhomeRechargeProps;
    }
  }
}
