/**
 * The ElectroSoft portal's colour themes: `olive`, `purple`, `vector` and `grey` (its
 * `app_config.preferences.color_theme_id`, as is). Opt-in: `import 'bill-pay-widgets/themes/portal.js'`
 * registers them for every widget on the page. A widget whose `theme` names one of them loads this module by
 * itself too, but then paints its first frame in the light theme. Every theme meets WCAG AA contrast (tested).
 */
import { PORTAL_THEMES } from '../internal/portal-themes.js';
import { addThemes } from '../internal/styles.js';

addThemes(PORTAL_THEMES);
