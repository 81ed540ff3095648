export { Accounting, type RequestCount, type ThrottleDecision } from './accounting.ts';
export { type FaultDecision, type FaultOutcome, FaultPlan } from './faults.ts';
export * from './scenario/entra-storage.ts';
export { combinePresets, isPresetName, PRESETS, type PresetName, preset } from './scenario/presets.ts';
export * from './scenario/schema.ts';
export { type SimulatedConnection, type Simulators, type SimulatorsOptions, startSimulators } from './start.ts';
