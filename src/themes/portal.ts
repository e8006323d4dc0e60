/**
 * The ElectroSoft portal's colour themes: `olive`, `purple`, `vector` and `grey` (its
 * `app_config.preferences.color_theme_id`, as is). Opt-in: `import 'bill-pay-widgets/themes/portal.js'`
 * registers them for every widget on the page. A widget whose `theme` names one of them loads this module by
 * itself too, but then paints its first frame in the light theme. Every theme meets WCAG AA contrast (tested).
 */
import { addStyles, themeStyles } from '../internal/styles.js';

addStyles(
  themeStyles({
    olive: ['#fbfaf3', '#2b2d1a', '#55573b', '#b9bb96', '#556b2f', '#ffffff', '#a4271e', '#2e6b2f', '#efeedb'],
    purple: ['#fcfaff', '#2a1d3a', '#5a4b6e', '#c9bde0', '#6a3fb5', '#ffffff', '#b3261e', '#1e7a3c', '#f1ecfa'],
    vector: ['#f7fbfc', '#10303a', '#3f5f69', '#a9c6cf', '#006d8f', '#ffffff', '#b3261e', '#1e6e46', '#e6f2f5'],
    grey: ['#f6f6f6', '#222222', '#555555', '#b0b0b0', '#4a4a4a', '#ffffff', '#a61b1b', '#2d6a2d', '#e9e9e9'],
  }),
);
