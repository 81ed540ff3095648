export { byFramework, type FrameworkCoverage, groupByFrameworkRef, type RefGroup } from './by-framework.ts';
export { CATALOG, controlById } from './catalog/index.ts';
export type { ConnectionReducer, Control, FactRule, NoEvidenceRule, Outcome, ReducerContext } from './control.ts';
export { isFactRule } from './control.ts';
export { type EvaluateOptions, type Evaluation, evaluate, startEvaluation } from './evaluate.ts';
export {
  FRAMEWORKS,
  type Framework,
  type FrameworkId,
  frameworkById,
  isFrameworkId,
  type Mapping,
} from './frameworks.ts';
export { defaultParams, describeParams, type ParamDoc } from './params.ts';
