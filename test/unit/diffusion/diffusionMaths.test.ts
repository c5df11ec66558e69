// Properties of the pure scheduler functions that follow from the definitions, computed by hand here:
// each prediction type recovers the x0 and eps that made x_t; DDIM with eta 1 is DDPM's posterior
// step; guidance at scale 0 and 1 gives the unconditional and conditional outputs; clipping bounds x0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alphasCumprod, betaSchedule } from '../../../src/core/generators/diffusion/betaSchedule';
import { ddimSigma, ddimStep } from '../../../src/core/generators/diffusion/ddim';
import { ddpmCoefficients, ddpmStep } from '../../../src/core/generators/diffusion/ddpm';
import { classifierFreeGuidance } from '../../../src/core/generators/diffusion/guidance';
import { predictedX0, predictionCoefficients } from '../../../src/core/generators/diffusion/prediction';
import { roundHalfEven, sampleTimesteps } from '../../../src/core/generators/diffusion/timesteps';

const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('prediction types', () => {
  // x_t = a x0 + s eps and v = a eps - s x0 with a^2 + s^2 = 1 (Ho et al. 2020; Salimans & Ho 2022).
  const alphaBar = 0.37;
  const a = Math.sqrt(alphaBar);
  const s = Math.sqrt(1 - alphaBar);
  const x0 = 0.8;
  const eps = -1.3;
  const xt = a * x0 + s * eps;
  const outputs = { epsilon: eps, v: a * eps - s * x0, x0 };
  for (const [prediction, m] of Object.entries(outputs) as [keyof typeof outputs, number][]) {
    it(`${prediction}: recovers x0 and eps`, () => {
      const c = predictionCoefficients(prediction, alphaBar);
      close(c.x0FromSample * xt + c.x0FromOutput * m, x0, 1e-14, 'x0');
      close(c.epsFromSample * xt + c.epsFromOutput * m, eps, 1e-14, 'eps');
    });
  }

  it('clipping bounds the predicted x0 to the output range', () => {
    const c = predictionCoefficients('x0', 0.5);
    assert.equal(predictedX0(c, 0, 3, [-1, 0.5]), 0.5);
    assert.equal(predictedX0(c, 0, -3, [-1, 0.5]), -1);
    assert.equal(predictedX0(c, 0, 0.25, [-1, 0.5]), 0.25);
    assert.equal(predictedX0(c, 0, 3, undefined), 3);
  });
});

describe('DDPM and DDIM steps', () => {
  const bars = alphasCumprod(betaSchedule('linear', 1000, 1e-4, 0.02));

  it('consecutive DDPM timesteps use the schedule beta_t (Ho et al. 2020, eq. 7)', () => {
    const betas = betaSchedule('linear', 1000, 1e-4, 0.02);
    const t = 500;
    const c = ddpmCoefficients(bars[t], bars[t - 1]);
    close(c.variance, ((1 - bars[t - 1]) / (1 - bars[t])) * betas[t], 1e-15, 'beta-tilde');
    close(c.x0Coefficient, (Math.sqrt(bars[t - 1]) * betas[t]) / (1 - bars[t]), 1e-15, 'x0 coefficient');
    close(c.sampleCoefficient, (Math.sqrt(1 - betas[t]) * (1 - bars[t - 1])) / (1 - bars[t]), 1e-15, 'x_t coefficient');
  });

  it('the last step (alphaBar_prev = 1) returns the predicted x0 without noise', () => {
    const c = ddpmCoefficients(bars[0], 1);
    assert.equal(c.variance, 0);
    const sample = Float32Array.of(0.3, -0.2);
    const modelOutput = Float32Array.of(0.1, 0.4);
    const x0 = Array.from(sample, (x, i) => (x - Math.sqrt(1 - bars[0]) * modelOutput[i]) / Math.sqrt(bars[0]));
    const out = ddpmStep({ prediction: 'epsilon', alphaBarT: bars[0], alphaBarPrev: 1, modelOutput, sample });
    out.forEach((v, i) => close(v, x0[i], 1e-6, `x0[${i}]`));
    assert.throws(() => ddpmStep({ prediction: 'epsilon', alphaBarT: bars[10], alphaBarPrev: bars[9], modelOutput, sample }), RangeError);
  });

  it('DDIM with eta 1 is the DDPM posterior step (Song et al. 2021, section 4.1)', () => {
    const t = 700;
    const prev = 650;
    close(ddimSigma(bars[t], bars[prev], 1) ** 2, ddpmCoefficients(bars[t], bars[prev]).variance, 1e-15, 'sigma^2');
    const sample = Float32Array.of(1.2, -0.4, 0.05);
    const modelOutput = Float32Array.of(0.3, -0.9, 0.6);
    const noise = Float32Array.of(0.7, 1.1, -2);
    for (const prediction of ['epsilon', 'v', 'x0'] as const) {
      const ddim = ddimStep({ prediction, alphaBarT: bars[t], alphaBarPrev: bars[prev], eta: 1, modelOutput, sample, noise });
      const ddpm = ddpmStep({ prediction, alphaBarT: bars[t], alphaBarPrev: bars[prev], modelOutput, sample, noise });
      ddim.forEach((v, i) => close(v, ddpm[i], 1e-6, `${prediction}[${i}]`));
    }
  });

  it('DDIM with eta 0 needs no noise and is the deterministic update of eq. 12', () => {
    const t = 400;
    const prev = 300;
    assert.equal(ddimSigma(bars[t], bars[prev], 0), 0);
    const sample = Float32Array.of(0.5);
    const modelOutput = Float32Array.of(-0.25);
    const x0 = (0.5 - Math.sqrt(1 - bars[t]) * -0.25) / Math.sqrt(bars[t]);
    const expected = Math.sqrt(bars[prev]) * x0 + Math.sqrt(1 - bars[prev]) * -0.25;
    const out = ddimStep({ prediction: 'epsilon', alphaBarT: bars[t], alphaBarPrev: bars[prev], eta: 0, modelOutput, sample });
    close(out[0], expected, 1e-7, 'x_prev');
    assert.throws(
      () => ddimStep({ prediction: 'epsilon', alphaBarT: bars[t], alphaBarPrev: bars[prev], eta: 0.5, modelOutput, sample }),
      RangeError,
    );
  });
});

describe('classifier-free guidance (Ho & Salimans 2022)', () => {
  const uncond = Float32Array.of(0.5, -1, 2);
  const cond = Float32Array.of(1, 1, 2);
  it('extrapolates from the unconditional output towards the conditional one', () => {
    assert.deepEqual(Array.from(classifierFreeGuidance(uncond, cond, 3)), [2, 5, 2]);
    assert.deepEqual(Array.from(classifierFreeGuidance(uncond, cond, 1)), Array.from(cond));
    assert.deepEqual(Array.from(classifierFreeGuidance(uncond, cond, 0)), Array.from(uncond));
  });
  it('refuses outputs of different lengths', () => {
    assert.throws(() => classifierFreeGuidance(uncond, cond.subarray(1), 2), /3 and 2/);
  });
});

describe('timestep spacing', () => {
  it('rounds halves to even as numpy does', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 0, 2, 3]);
  });
  it('by hand: 4 of 10', () => {
    assert.deepEqual(sampleTimesteps(10, 4, 'leading'), [6, 4, 2, 0]);
    // 10 - k * 2.5 = 10, 7.5, 5, 2.5 -> round half even 10, 8, 5, 2, minus 1.
    assert.deepEqual(sampleTimesteps(10, 4, 'trailing'), [9, 7, 4, 1]);
    // linspace(0, 9, 4) = 0, 3, 6, 9.
    assert.deepEqual(sampleTimesteps(10, 4, 'linspace'), [9, 6, 3, 0]);
  });
});
