/**
 * A merchant's React 19 page, written as a consumer writes it: the typed wrapper from `bill-pay-widgets/react`
 * and the plain tag (typed by the package's JSX types), each reporting its events into React state.
 */
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { PaySuccessDetail } from 'bill-pay-widgets';
import { NeaPay } from 'bill-pay-widgets/react';

function App() {
  const [steps, setSteps] = useState<string[]>([]);
  const [paid, setPaid] = useState<PaySuccessDetail | null>(null);
  const [plainSteps, setPlainSteps] = useState<string[]>([]);
  return (
    <main>
      <h1>React 19 page</h1>
      <NeaPay
        id="wrapped"
        endpoint="/api"
        theme="olive"
        locale="en"
        officeCode="201:ratnapark-dc"
        scNo="024.12.512"
        consumerId="3042"
        onPayStep={(e) => setSteps((s) => [...s, e.detail.step])}
        onPaySuccess={(e) => setPaid(e.detail)}
      />
      <p id="steps">steps: {steps.join(' > ')}</p>
      <p id="paid">{paid ? `paid ${paid.totalPaisa} paisa, reference ${paid.reference}` : 'not paid'}</p>
      <nea-pay id="plain" endpoint="/api" theme="dark" locale="ne" onpay-step={(e) => setPlainSteps((s) => [...s, e.detail.step])} />
      <p id="plain-steps">plain steps: {plainSteps.join(' > ')}</p>
    </main>
  );
}

// Typed props and handlers: these are compile errors (the test typechecks this file).
// @ts-expect-error not one of the themes
export const badTheme = <NeaPay theme="pink" />;
// @ts-expect-error not one of the locales
export const badLocale = <nea-pay locale="fr" />;
// @ts-expect-error PaySuccessDetail has no `amount`
export const badDetail = <nea-pay onpay-success={(e) => e.detail.amount} />;

createRoot(document.getElementById('root')!).render(<App />);
