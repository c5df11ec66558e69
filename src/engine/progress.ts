// Progress as every engine job reports it; the host maps it onto withProgress, the CLI onto stderr.

export interface EngineProgress {
  readonly phase: string;
  readonly done?: number;
  readonly total?: number;
  readonly message?: string;
}

export type ProgressSink = (p: EngineProgress) => void;
