/** The step under the pointer on any of the linked views (step charts, trajectory, per-step table); null when none. */
export class StepHover {
  step = $state<number | null>(null);
}
