// The in-memory model every signal reader (WFDB, EDF/EDF+/BDF, DICOM waveform) produces: float32
// physical values per channel, each channel with its own sample rate and units, plus annotations.

export interface SignalChannel {
  readonly name: string;
  /** Physical units as the file states them ('mV', 'uV', ...); '' when none. */
  readonly units: string;
  /** Samples per second for this channel. */
  readonly sampleRate: number;
  /** Physical values; NaN where the file marks a sample as missing/invalid. */
  readonly data: Float32Array;
}

export interface SignalAnnotation {
  /** Seconds from the record's start. */
  readonly onset: number;
  /** Seconds; 0 for an instant. */
  readonly duration: number;
  readonly label: string;
  /** Which channel it applies to, when the format says (WFDB chan), else undefined. */
  readonly channel?: number;
}

export interface SignalRecord {
  /** A stable id inside the set (record name); never copied into synthetic outputs. */
  readonly id: string;
  readonly channels: readonly SignalChannel[];
  readonly annotations: readonly SignalAnnotation[];
  /** Start date-time as ISO 8601 when the file states one. */
  readonly startTime?: string;
  /** Files this record was read from. */
  readonly sourceFiles: readonly string[];
  /** Format-specific facts worth showing (WFDB format per channel, EDF+ variant, ...). */
  readonly metadata: Readonly<Record<string, string | number>>;
}

export interface SignalSet {
  readonly modality: 'signal';
  readonly records: readonly SignalRecord[];
}
