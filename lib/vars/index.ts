/**
 * Variables: layering with origins, `-e` extra vars, typed role variables, and Handlebars templates.
 */
export { layerVars, precedenceLayers, PRECEDENCE, type LayeredVars, type VarLayer } from './layers.ts';
export { parseExtraVars, extraVarLayers } from './extra-vars.ts';
export { checkVarTypes } from './typed.ts';
export { renderTemplate, checkTemplate } from './template.ts';
