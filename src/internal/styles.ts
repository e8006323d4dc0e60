import { Css, css } from './base-element.js';

const TOKENS = ['bg', 'fg', 'muted', 'border', 'accent', 'on-accent', 'error', 'success', 'surface'];

/** The themes' names (the `theme` attribute's values): built in, and the portal's (themes/portal.ts). */
export type Theme = 'light' | 'dark' | 'olive' | 'purple' | 'vector' | 'grey';

/**
 * Themes as CSS: each theme's colours, in TOKENS order. `light` is the default (`:host`); each other one
 * applies with its `theme` attribute. A host's `--pay-color-*` custom properties win over any theme.
 * Built from constant tables, never from input.
 */
export function themeStyles(table: Partial<Record<Theme, string[]>>): Css {
  return new Css(
    Object.entries(table)
      .map(([name, colours]) => `${name === 'light' ? ':host' : `:host([theme='${name}'])`} { ${TOKENS.map((token, i) => `--_${token}: var(--pay-color-${token}, ${colours[i]});`).join('')} }`)
      .join('\n'),
  );
}

/** The built-in themes; the ElectroSoft portal's are in themes/portal.ts. Every theme meets WCAG AA contrast (tested). */
const themes = themeStyles({
  light: ['#ffffff', '#1d2330', '#545c6b', '#c5cad3', '#1f5fbf', '#ffffff', '#b3261e', '#1e7a3c', '#f3f5f8'],
  dark: ['#161a22', '#eef1f6', '#b4bccb', '#4a5262', '#8ab4f8', '#0b1a33', '#ffb4ab', '#7dd99a', '#222834'],
});

/**
 * Styles that arrive after the elements (the steps' chunk, the portal themes): every element's shadow root
 * adopts them, the ones already on the page at once (`onStyles`, set by the elements' base class).
 */
export const addedStyles: Css[] = [];
export const styleHub = { onStyles: () => {} };
export function addStyles(style: Css): void {
  if (addedStyles.includes(style)) return;
  addedStyles.push(style);
  styleHub.onStyles();
}

/** Theme tables added: the portal's comes from its opt-in module, or from an element naming one of its themes. */
const addedThemes = new Set<object>();
/** Adds a table of themes (as `themeStyles`) to every element, once per table. */
export function addThemes(table: Partial<Record<Theme, string[]>>): void {
  if (addedThemes.has(table)) return;
  addedThemes.add(table);
  addStyles(themeStyles(table));
}

/**
 * Shared styles. Every colour and size is a `--pay-*` custom property with a default, so a host themes a
 * widget with tokens first and the documented parts second.
 *
 * Notes on the rules (here, not in the CSS, which ships as written): `:host` is an inline-size container, so
 * the widget lays itself out by its own width, not the page's (container queries in step-styles.ts); the
 * margin above a field (`.hint + input` and the like) is room for the focus ring (3px + 2px offset), so the
 * ring never covers the hint above the field.
 */
export const payStyles = [
  themes,
  css`
  :host {
    --_radius: var(--pay-radius, 8px);
    --_space: var(--pay-space, 0.75rem);
    display: block;
    max-width: var(--pay-max-width, 32rem);
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
  form {
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
  .hint + input,
  label + input {
    margin-top: 0.35rem;
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
  [role='status']:empty {
    display: none;
  }
  [role='status'] {
    color: var(--_muted);
  }
  [part='base'] > p {
    margin: 0;
  }
  [part='error'] {
    color: var(--_error);
    border-inline-start: 4px solid var(--_error);
    padding-inline-start: var(--_space);
  }
  .skeleton {
    min-height: 10rem;
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
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
