/** Where a run stands, as the loop's decisions need it. */
export interface LoopTurn {
  /** The content of the run's last answer when it is the conversation's last message; otherwise null. */
  answer: readonly { type: string; id?: string }[] | null;
  /** Model calls the run has made. */
  iterations: number;
  /** Model calls the run may make. */
  maxIterations: number;
}

export type LoopStep =
  { kind: 'model' } | { kind: 'tools'; toolUseIds: string[] } | { kind: 'finish' } | { kind: 'limit' };

/** The work behind each step (made in the gateway in both modes: stored before it is acted on). */
export interface LoopSteps {
  /** Calls the model; null when its answer ended the run. */
  model(): Promise<LoopTurn | null>;
  /** Runs the answer's tool calls and stores their results. */
  tools(toolUseIds: string[]): Promise<LoopTurn>;
  /** Ends the run with its last answer. */
  finish(): Promise<void>;
  /** Ends the run at its iteration limit. */
  limit(): Promise<void>;
}

export function nextStep(turn: LoopTurn): LoopStep;
export function agentLoop(turn: LoopTurn, steps: LoopSteps): Promise<void>;
