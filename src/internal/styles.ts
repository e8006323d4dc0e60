import { css } from 'lit';

/**
 * Shared styles. Every colour and size is a `--pay-*` custom property with a default, so a host themes a
 * widget with tokens first and the documented parts second. `theme` swaps the defaults: `light`, `dark`,
 * and the ElectroSoft portal's `olive`, `purple`, `vector` and `grey` (its `color_theme_id`). Every theme
 * meets WCAG AA contrast (tested).
 */
export const payStyles = css`
  :host {
    --_bg: var(--pay-color-bg, #ffffff);
    --_fg: var(--pay-color-fg, #1d2330);
    --_muted: var(--pay-color-muted, #545c6b);
    --_border: var(--pay-color-border, #c5cad3);
    --_accent: var(--pay-color-accent, #1f5fbf);
    --_on-accent: var(--pay-color-on-accent, #ffffff);
    --_error: var(--pay-color-error, #b3261e);
    --_success: var(--pay-color-success, #1e7a3c);
    --_surface: var(--pay-color-surface, #f3f5f8);
    --_radius: var(--pay-radius, 8px);
    --_space: var(--pay-space, 0.75rem);
    display: block;
    max-width: var(--pay-max-width, 32rem);
    font: var(--pay-font, 400 1rem/1.5 system-ui, sans-serif);
    color: var(--_fg);
  }
  :host([theme='dark']) {
    --_bg: var(--pay-color-bg, #161a22);
    --_fg: var(--pay-color-fg, #eef1f6);
    --_muted: var(--pay-color-muted, #b4bccb);
    --_border: var(--pay-color-border, #4a5262);
    --_accent: var(--pay-color-accent, #8ab4f8);
    --_on-accent: var(--pay-color-on-accent, #0b1a33);
    --_error: var(--pay-color-error, #ffb4ab);
    --_success: var(--pay-color-success, #7dd99a);
    --_surface: var(--pay-color-surface, #222834);
  }
  :host([theme='olive']) {
    --_bg: var(--pay-color-bg, #fbfaf3);
    --_fg: var(--pay-color-fg, #2b2d1a);
    --_muted: var(--pay-color-muted, #55573b);
    --_border: var(--pay-color-border, #b9bb96);
    --_accent: var(--pay-color-accent, #556b2f);
    --_on-accent: var(--pay-color-on-accent, #ffffff);
    --_error: var(--pay-color-error, #a4271e);
    --_success: var(--pay-color-success, #2e6b2f);
    --_surface: var(--pay-color-surface, #efeedb);
  }
  :host([theme='purple']) {
    --_bg: var(--pay-color-bg, #fcfaff);
    --_fg: var(--pay-color-fg, #2a1d3a);
    --_muted: var(--pay-color-muted, #5a4b6e);
    --_border: var(--pay-color-border, #c9bde0);
    --_accent: var(--pay-color-accent, #6a3fb5);
    --_on-accent: var(--pay-color-on-accent, #ffffff);
    --_error: var(--pay-color-error, #b3261e);
    --_success: var(--pay-color-success, #1e7a3c);
    --_surface: var(--pay-color-surface, #f1ecfa);
  }
  :host([theme='vector']) {
    --_bg: var(--pay-color-bg, #f7fbfc);
    --_fg: var(--pay-color-fg, #10303a);
    --_muted: var(--pay-color-muted, #3f5f69);
    --_border: var(--pay-color-border, #a9c6cf);
    --_accent: var(--pay-color-accent, #006d8f);
    --_on-accent: var(--pay-color-on-accent, #ffffff);
    --_error: var(--pay-color-error, #b3261e);
    --_success: var(--pay-color-success, #1e6e46);
    --_surface: var(--pay-color-surface, #e6f2f5);
  }
  :host([theme='grey']) {
    --_bg: var(--pay-color-bg, #f6f6f6);
    --_fg: var(--pay-color-fg, #222222);
    --_muted: var(--pay-color-muted, #555555);
    --_border: var(--pay-color-border, #b0b0b0);
    --_accent: var(--pay-color-accent, #4a4a4a);
    --_on-accent: var(--pay-color-on-accent, #ffffff);
    --_error: var(--pay-color-error, #a61b1b);
    --_success: var(--pay-color-success, #2d6a2d);
    --_surface: var(--pay-color-surface, #e9e9e9);
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 1.5);
    display: grid;
    gap: var(--_space);
  }
  h2,
  h3 {
    margin: 0;
    font-size: 1.15em;
  }
  [part='header'] {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }
  [part='logo'] {
    height: var(--pay-logo-height, 2rem);
    width: auto;
  }
  h3 {
    font-size: 1em;
  }
  h3:focus {
    outline: none;
  }
  .badge {
    justify-self: start;
    background: var(--_surface);
    border: 1px dashed var(--_border);
    border-radius: 999px;
    padding: 0 0.6em;
    font-size: 0.85em;
  }
  form,
  .grid {
    display: grid;
    gap: var(--_space);
  }
  label {
    font-weight: 600;
    display: block;
  }
  .hint {
    color: var(--_muted);
    font-size: 0.85em;
    margin: 0;
  }
  .invalid {
    color: var(--_error);
    font-size: 0.85em;
    margin: 0;
  }
  input {
    box-sizing: border-box;
    width: 100%;
    font: inherit;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.5em 0.6em;
  }
  input[type='radio'] {
    width: auto;
    accent-color: var(--_accent);
  }
  input[aria-invalid='true'] {
    border-color: var(--_error);
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  button {
    font: inherit;
    border-radius: calc(var(--_radius) / 2);
    padding: 0.5em 1em;
    cursor: pointer;
    border: 1px solid var(--_accent);
    background: transparent;
    color: var(--_fg);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
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
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25em var(--_space);
    margin: 0;
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .total {
    font-weight: 700;
  }
  [role='status']:empty {
    display: none;
  }
  [role='status'] {
    color: var(--_muted);
    margin: 0;
  }
  [part='error'] {
    color: var(--_error);
    border-inline-start: 4px solid var(--_error);
    padding-inline-start: var(--_space);
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
  [role='listbox'] {
    list-style: none;
    margin: 0.25em 0 0;
    padding: 0;
    max-height: 12rem;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }
  [role='option'] {
    padding: 0.35em 0.6em;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'],
  [role='option'].active {
    background: var(--_accent);
    color: var(--_on-accent);
  }
`;
