import { css, unsafeCSS } from 'lit';

const TOKENS = ['bg', 'fg', 'muted', 'border', 'accent', 'on-accent', 'error', 'success', 'surface'];

/** The built-in themes' names (the `theme` attribute's values). */
export type Theme = 'light' | 'dark' | 'olive' | 'purple' | 'vector' | 'grey';

/**
 * The themes' colours, in TOKENS order. `theme` picks one: `light` (the default), `dark`, and the
 * ElectroSoft portal's `olive`, `purple`, `vector` and `grey` (its `color_theme_id`). Every theme meets
 * WCAG AA contrast (tested). A host's `--pay-color-*` custom properties win over any theme.
 */
const THEMES: Record<Theme, string[]> = {
  light: ['#ffffff', '#1d2330', '#545c6b', '#c5cad3', '#1f5fbf', '#ffffff', '#b3261e', '#1e7a3c', '#f3f5f8'],
  dark: ['#161a22', '#eef1f6', '#b4bccb', '#4a5262', '#8ab4f8', '#0b1a33', '#ffb4ab', '#7dd99a', '#222834'],
  olive: ['#fbfaf3', '#2b2d1a', '#55573b', '#b9bb96', '#556b2f', '#ffffff', '#a4271e', '#2e6b2f', '#efeedb'],
  purple: ['#fcfaff', '#2a1d3a', '#5a4b6e', '#c9bde0', '#6a3fb5', '#ffffff', '#b3261e', '#1e7a3c', '#f1ecfa'],
  vector: ['#f7fbfc', '#10303a', '#3f5f69', '#a9c6cf', '#006d8f', '#ffffff', '#b3261e', '#1e6e46', '#e6f2f5'],
  grey: ['#f6f6f6', '#222222', '#555555', '#b0b0b0', '#4a4a4a', '#ffffff', '#a61b1b', '#2d6a2d', '#e9e9e9'],
};

const palette = (colours: string[]) => TOKENS.map((token, i) => `--_${token}: var(--pay-color-${token}, ${colours[i]});`).join('');

/** Built from the constant table above, never from input. */
const themes = unsafeCSS(
  Object.entries(THEMES)
    .map(([name, colours]) => `${name === 'light' ? ':host' : `:host([theme='${name}'])`} { ${palette(colours)} }`)
    .join('\n'),
);

/**
 * Shared styles. Every colour and size is a `--pay-*` custom property with a default, so a host themes a
 * widget with tokens first and the documented parts second.
 */
export const payStyles = [
  themes,
  css`
  :host {
    --_radius: var(--pay-radius, 8px);
    --_space: var(--pay-space, 0.75rem);
    display: block;
    max-width: var(--pay-max-width, 32rem);
    /* The widget lays itself out by its own width, not the page's (container queries below). */
    container-type: inline-size;
    font: var(--pay-font, 400 1rem/1.5 system-ui, sans-serif);
    color: var(--_fg);
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
  /* Room for the focus ring (3px + 2px offset), so it never covers the hint above the field. */
  .hint + input,
  .hint + .combo,
  label + input,
  label + select {
    margin-top: 0.35rem;
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
  select {
    max-width: 100%;
    font: inherit;
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
  .skeleton {
    min-height: 10rem;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
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
  .spinner {
    display: inline-block;
    width: 0.9em;
    height: 0.9em;
    margin-inline-end: 0.5em;
    vertical-align: -0.1em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: pay-spin 0.8s linear infinite;
  }
  .combo {
    display: flex;
  }
  .combo input {
    flex: 1;
    min-width: 0;
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }
  .combo .toggle {
    border-start-start-radius: 0;
    border-end-start-radius: 0;
    padding: 0 0.75em;
  }
  @keyframes pay-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
`,
];
