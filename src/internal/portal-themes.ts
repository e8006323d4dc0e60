/**
 * The ElectroSoft portal's colour themes, each's colours in styles.ts TOKENS order. Data only (no imports): an
 * element whose `theme` names one loads just this small chunk, and the opt-in module (themes/portal.ts)
 * registers the same table (`addThemes` adds it once).
 */
import type { Theme } from './styles.js';

export const PORTAL_THEMES: Partial<Record<Theme, string[]>> = {
  olive: ['#fbfaf3', '#2b2d1a', '#55573b', '#b9bb96', '#556b2f', '#ffffff', '#a4271e', '#2e6b2f', '#efeedb'],
  purple: ['#fcfaff', '#2a1d3a', '#5a4b6e', '#c9bde0', '#6a3fb5', '#ffffff', '#b3261e', '#1e7a3c', '#f1ecfa'],
  vector: ['#f7fbfc', '#10303a', '#3f5f69', '#a9c6cf', '#006d8f', '#ffffff', '#b3261e', '#1e6e46', '#e6f2f5'],
  grey: ['#f6f6f6', '#222222', '#555555', '#b0b0b0', '#4a4a4a', '#ffffff', '#a61b1b', '#2d6a2d', '#e9e9e9'],
};
