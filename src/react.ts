/**
 * React wrappers of the elements (@lit/react): `<NeaPay endpoint="/api" onPaySuccess={(e) => ...} />`.
 * Importing this module defines the elements. React, react-dom and @lit/react are the host's (optional peers).
 * The elements also work as plain tags in React 19 (typed by ./jsx.ts, included here).
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { DishhomeRecharge as DishhomeRechargeElement } from './dishhome-recharge.js';
import { DreamerPay as DreamerPayElement } from './dreamer-pay.js';
import type { PayEventName } from './internal/events.js';
import { NeaPay as NeaPayElement } from './nea-pay.js';

export type { DishhomeRechargeProps, DreamerPayProps, NeaPayProps, PayElementProps, PayEventHandlers } from './jsx.js';

/** `pay-auth-required` -> `PayAuthRequired`. */
type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;
type Events = { [K in PayEventName as `on${Pascal<K>}`]: EventName<GlobalEventHandlersEventMap[K]> };

const events = {
  onPaySuccess: 'pay-success',
  onPayError: 'pay-error',
  onPayPending: 'pay-pending',
  onPayStep: 'pay-step',
  onPayAuthRequired: 'pay-auth-required',
  onPayFunding: 'pay-funding',
} satisfies { [K in PayEventName as `on${Pascal<K>}`]: K } as Events;

export const NeaPay = createComponent({ react: React, tagName: 'nea-pay', elementClass: NeaPayElement, events, displayName: 'NeaPay' });
export const DreamerPay = createComponent({ react: React, tagName: 'dreamer-pay', elementClass: DreamerPayElement, events, displayName: 'DreamerPay' });
export const DishhomeRecharge = createComponent({
  react: React,
  tagName: 'dishhome-recharge',
  elementClass: DishhomeRechargeElement,
  events,
  displayName: 'DishhomeRecharge',
});
