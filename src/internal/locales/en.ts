/** The whole English table in one (tests and tools; the widgets load it in parts). */
import { enShared, type Messages } from '../i18n.js';
import { enDishhome, enDreamer, enNea } from './en-lookup.js';
import { enSteps } from './en-steps.js';

export const en: Messages = { ...enShared, ...enNea, ...enDreamer, ...enDishhome, ...enSteps };
export default en;
