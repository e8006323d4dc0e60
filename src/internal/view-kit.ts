/** Provides the view's part of the kit (kit.ts): lit's tags and the styles' registry. Each element module imports it. */
import { html, nothing } from 'lit/html.js';
import { css } from './base-element.js';
import { provide } from './kit.js';
import { addStyles } from './styles.js';

provide({ html, nothing, css, addStyles });
