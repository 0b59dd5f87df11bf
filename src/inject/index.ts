export type { AnyFaultDefinition, FaultCategory, FaultDefinition, InjectionContext } from './fault.ts';
export { FAULTS, listFaults, getFault, type FaultName, type FaultRegistry, type FaultInfo, type FaultParamInfo } from './registry.ts';
export { parseFaultParams } from './params.ts';
export { Injector, type Injection, type InjectRequest, type InjectorOptions } from './injector.ts';
export { signalFault, signalParam, resolveSignal, signalIncompatibility } from './sensor/signal-fault.ts';
export { driftOffset } from './sensor/drift.ts';
export { conditionFault, switchFault, conditionIncompatibility } from './device/condition-fault.ts';
export {
  TARGET_KINDS,
  acceptedTargets,
  affectedDevices,
  describeTarget,
  targetKindOf,
  type InjectionTarget,
  type NetworkSurface,
  type SiteSurface,
  type TargetBase,
  type TargetDirectory,
  type TargetKind,
  type TargetSurface,
  type TwinSurface,
} from './target.ts';
export { scopeOf, scopeProblems, type ScopeProblem, type ScopedSelector } from './target-scope.ts';
