// The Wilson score interval for a binomial success rate (Wilson 1927), the interval Anonymeter (Giomi et
// al. 2023) puts on every attack's success rate, and the residual risk of an attack over its control
// with the two intervals' half-widths propagated to first order, as Anonymeter does.
//
// For k successes in n trials and z the two-sided normal quantile (1.959964 for 95%):
//   centre    = (k + z²/2) / (n + z²)
//   halfWidth = z / (n + z²) · sqrt(k (n − k) / n + z²/4)
//   interval  = [centre − halfWidth, centre + halfWidth]   (always inside [0, 1])
// The centre, not k / n, is the point estimate Anonymeter reports; it is pulled towards ½ by z²/2
// pseudo-successes and pseudo-failures, so it is never exactly 0 or 1.

/** The 97.5th percentile of the standard normal distribution: the z of a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface WilsonInterval {
  readonly successes: number;
  readonly trials: number;
  /** k / n (NaN for no trials). */
  readonly observed: number;
  /** The Wilson centre (k + z²/2) / (n + z²): the point estimate. */
  readonly rate: number;
  /** Half the interval's width. */
  readonly halfWidth: number;
  readonly low: number;
  readonly high: number;
}

/** The Wilson score interval of `successes` out of `trials` (z = Z_95 by default); no trials gives [0, 1] around ½. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): WilsonInterval {
  if (!(Number.isInteger(successes) && Number.isInteger(trials) && successes >= 0 && successes <= trials)) {
    throw new RangeError(`wilsonInterval: need whole numbers 0 ≤ successes ≤ trials, not ${successes} of ${trials}`);
  }
  const z2 = z * z;
  if (trials === 0) return { successes, trials, observed: Number.NaN, rate: 0.5, halfWidth: 0.5, low: 0, high: 1 };
  const denominator = trials + z2;
  const rate = (successes + z2 / 2) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((successes * (trials - successes)) / trials + z2 / 4);
  // The interval lies inside [0, 1] mathematically; clamp the last-bit rounding at k = 0 or k = n.
  return {
    successes,
    trials,
    observed: successes / trials,
    rate,
    halfWidth,
    low: Math.max(0, rate - halfWidth),
    high: Math.min(1, rate + halfWidth),
  };
}

export interface ResidualRisk {
  /** (main − control) / (1 − control) on the Wilson centres; negative when the control is easier to attack. */
  readonly residual: number;
  /** First-order propagated half-width of the residual. */
  readonly error: number;
  /** The residual bounded to [0, 1]: the risk reported. */
  readonly value: number;
  /** [residual − error, residual + error], each end bounded to [0, 1]. */
  readonly low: number;
  readonly high: number;
}

const unit = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * Anonymeter's risk: how much of what the attack could still learn beyond the control it does learn,
 * R = (m − c) / (1 − c) with m, c the Wilson centres of the main and control attacks. Its uncertainty is
 * the first-order propagation of both half-widths, δR = sqrt((δm · ∂R/∂m)² + (δc · ∂R/∂c)²) with
 * ∂R/∂m = 1 / (1 − c) and ∂R/∂c = (m − 1) / (1 − c)². The reported value and interval are bounded to [0, 1].
 */
export function residualRisk(main: WilsonInterval, control: WilsonInterval): ResidualRisk {
  const m = main.rate;
  const c = control.rate;
  const residual = (m - c) / (1 - c);
  const dMain = 1 / Math.abs(1 - c);
  const dControl = (m - 1) / ((1 - c) * (1 - c));
  const error = Math.sqrt((main.halfWidth * dMain) ** 2 + (control.halfWidth * dControl) ** 2);
  return { residual, error, value: unit(residual), low: unit(residual - error), high: unit(residual + error) };
}
