import type { IntrinsicResolver } from '../intrinsics.js';
import { constructPath, resourcesOfType, type StackTemplate } from '../template.js';

/** A state machine of the templates, with its definition's intrinsics resolved to local names. */
export interface StateMachineDefinition {
  readonly name: string;
  readonly arn: string;
  readonly logicalId: string;
  readonly path?: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: AslDefinition;
}

/** The parts of an Amazon States Language definition the local endpoint reads. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [other: string]: unknown;
}
export interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Branches?: AslDefinition[];
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  [other: string]: unknown;
}

/** Reads every `AWS::StepFunctions::StateMachine`: `DefinitionString` (a `Fn::Join` of `Ref`/`GetAtt`) or `Definition`, resolved. */
export function readStateMachines(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): StateMachineDefinition[] {
  return resourcesOfType(stacks, 'AWS::StepFunctions::StateMachine').flatMap(({ stack, logicalId, resource }) => {
    if (!resolver.isActive(stack, resource)) return [];
    const props = resource.Properties ?? {};
    const raw = props['DefinitionString'] !== undefined ? JSON.parse(resolver.resolveString(stack, props['DefinitionString'])) : resolver.resolve(stack, props['Definition']);
    const arn = resolver.resolveString(stack, { Ref: logicalId });
    const path = constructPath(resource);
    return [
      {
        name: arn.slice(arn.lastIndexOf(':') + 1),
        arn,
        logicalId,
        ...(path ? { path } : {}),
        type: props['StateMachineType'] === 'EXPRESS' ? ('EXPRESS' as const) : ('STANDARD' as const),
        definition: raw as AslDefinition,
      },
    ];
  });
}

/** Every state of a definition, with those of its Parallel branches and Map processors, by name. */
export function allStates(definition: AslDefinition): Map<string, AslState> {
  const states = new Map<string, AslState>();
  const visit = (d: AslDefinition): void => {
    for (const [name, state] of Object.entries(d.States)) {
      states.set(name, state);
      for (const branch of state.Branches ?? []) visit(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor);
    }
  };
  visit(definition);
  return states;
}

/** Node's timers overflow above 2^31-1 ms and fire at once: the longest timeout the interpreter can wait. */
export const MAX_TIMER_SECONDS = 2147483;

/** A copy of the definition with every TimeoutSeconds/HeartbeatSeconds capped to what Node's timers can wait. */
export function capTimeouts(definition: AslDefinition): AslDefinition {
  const copy = structuredClone(definition);
  const cap = (d: AslDefinition): void => {
    if (d.TimeoutSeconds !== undefined) d.TimeoutSeconds = Math.min(d.TimeoutSeconds, MAX_TIMER_SECONDS);
    for (const state of Object.values(d.States)) {
      if (state.TimeoutSeconds !== undefined) state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_TIMER_SECONDS);
      if (state.HeartbeatSeconds !== undefined) state.HeartbeatSeconds = Math.min(state.HeartbeatSeconds, MAX_TIMER_SECONDS);
      for (const branch of state.Branches ?? []) cap(branch);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) cap(processor);
    }
  };
  cap(copy);
  return copy;
}
