import { CATALOG, type Control, defaultParams, type FrameworkId, type Mapping } from '@evident/controls';

/** The controls to show and, for each, the mappings to show: all of them, or those of one framework. */
export type CatalogView = Array<{ control: Control; mappings: Mapping[] }>;

export function catalogView(framework?: FrameworkId): CatalogView {
  return CATALOG.map((control) => ({
    control,
    mappings: control.mappings.filter((m) => framework === undefined || m.framework === framework),
  })).filter((v) => v.mappings.length > 0);
}

export function defaultsOf(control: Control): Record<string, unknown> {
  return defaultParams(control.params);
}
