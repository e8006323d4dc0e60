import { fromKit } from './from-kit.js';

const { css } = fromKit('css');

/** The styles of the steps after the lookup (their chunk): added to every element's shadow root when it arrives. */
export const stepStyles = css`
  .grid {
    display: grid;
    gap: var(--_space);
  }
  /* The choices of these steps (amount, package, payment method). */
  input[type='radio'] {
    width: auto;
    accent-color: var(--_accent);
  }
  /* A secondary action that reads as a link (copy the reference; at a migrated NEA counter, switch numbers). */
  button.link {
    justify-self: start;
    border: 0;
    padding: 0;
    background: none;
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 0.2em;
  }
  .note {
    margin: 0;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_accent);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.5em var(--_space);
  }
  .badge {
    justify-self: start;
    background: var(--_surface);
    border: 1px dashed var(--_border);
    border-radius: 999px;
    padding: 0 0.6em;
    font-size: 0.85em;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9em;
  }
  th,
  td {
    text-align: start;
    padding: 0.3em;
    border-bottom: 1px solid var(--_border);
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  /* A narrow widget (a phone, a sidebar): each table row becomes a stack of "label value" lines. */
  @container (max-width: 30rem) {
    table,
    tbody,
    tr,
    td,
    caption {
      display: block;
      text-align: start;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    tr {
      border-bottom: 1px solid var(--_border);
      padding: 0.3em 0;
    }
    td {
      display: flex;
      justify-content: space-between;
      gap: var(--_space);
      border: 0;
      padding: 0.1em 0;
      text-align: end;
      overflow-wrap: anywhere;
    }
    td::before {
      content: attr(data-label);
      text-align: start;
      color: var(--_muted);
    }
    td:first-child {
      font-weight: 600;
    }
    td.blank {
      display: none;
    }
    /* The reference stays unbroken: on its own line under its label. */
    dd.reference {
      grid-column: 1 / -1;
      justify-content: flex-start;
    }
    dd.reference code {
      /* 32 characters on one line down to a 320 px widget. */
      font-size: min(0.85em, 4.2cqi);
    }
  }
  dl {
    display: grid;
    /* Values keep their width (amounts and numbers never break); labels wrap at their words instead. */
    grid-template-columns: minmax(35%, 1fr) minmax(0, auto);
    gap: 0.25em var(--_space);
    margin: 0;
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
    overflow-wrap: break-word;
    min-width: 0;
  }
  .total {
    font-weight: 700;
  }
  .ok {
    color: var(--_success);
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 0.4em;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: 0.4em;
  }
  .choice {
    display: flex;
    gap: 0.5em;
    align-items: center;
    font-weight: 400;
  }
  .preview {
    margin: 0;
    padding: 0.5em var(--_space);
    background: var(--_surface);
    border-radius: calc(var(--_radius) / 2);
  }
  .reference {
    display: flex;
    gap: 0.5em;
    align-items: center;
    justify-content: flex-end;
    flex-wrap: wrap;
  }
  .reference {
    min-width: 0;
  }
  .reference code {
    white-space: nowrap;
    font: inherit;
    font-variant-numeric: tabular-nums;
    user-select: all;
  }
  @media print {
    :host {
      max-width: none;
      color: #000;
    }
    [part='base'] {
      border: 0;
      padding: 0;
      background: #fff;
    }
    [part='base'] > :not([part='header']):not([part='receipt']):not(.badge),
    [part='receipt'] .actions,
    [part='receipt'] .reference button {
      display: none;
      }
    }
`;
