/** Provides the view's part of the kit (kit.ts): lit's tags and the styles' registry. Each element module imports it. */
import { css, html, nothing } from 'lit';
import { provide } from './kit.js';
import { addStyles } from './styles.js';

provide({ html, nothing, css, addStyles });
