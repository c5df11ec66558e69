#!/usr/bin/python3
"""Reference trajectories for the diffusion samplers (src/core/generators/diffusion/), written in numpy
from the papers' equations, not from the TypeScript code:

- Beta schedules: linear betas (Ho et al. 2020, section 4), 'scaled-linear' (linear in sqrt(beta), then
  squared, latent diffusion's schedule), cosine (Nichol & Dhariwal 2021, eq. 17: alphaBar_t = f(t)/f(0),
  f(t) = cos^2(((t/T + s) / (1 + s)) pi/2), s = 0.008, beta_t = 1 - alphaBar_t / alphaBar_{t-1} clipped
  at 0.999). alphaBar is the running product of 1 - beta, in float64.
- Timestep spacing: the numpy expressions diffusers' DDPM/DDIM schedulers use for `timestep_spacing`
  'leading', 'trailing' and 'linspace' (0-based timesteps, noisiest first).
- Predictions: x_t = sqrt(aBar) x0 + sqrt(1 - aBar) eps (Ho et al. 2020, eq. 4); v = sqrt(aBar) eps -
  sqrt(1 - aBar) x0 (Salimans & Ho 2022) solved for x0 and eps.
- DDPM: x_prev = posterior mean (Ho et al. 2020, eq. 7) + sqrt(beta-tilde) z, with the marginal
  alpha = aBar_t / aBar_prev between visited timesteps and aBar = 1 after the last.
- DDIM: Song et al. 2021, eq. 12 with sigma of eq. 16 scaled by eta.
- Classifier-free guidance: out = uncond + w (cond - uncond) (Ho & Salimans 2022).
- The noise is recomputed here from its documented keying (diffusionNoise.ts): stream 0 is x_T,
  stream k the k-th step's noise; a stream seed is the murmur3 finalizer chained over the seed words and
  the stream number (constants below); sample i's values are latent row i under that seed, computed by
  test/reference/latent_reference.py's Python-integer definition of the latent generator.
- The tiny denoiser, defined identically in the TypeScript test: for element j of sample i at timestep t,
  m = tanh(0.9 x_j + 0.6 t / T - 0.3 + 0.1 (j mod 3) + 0.25 c) with c = 0 unconditionally and
  c = 1 + (i mod 2) for the conditional branch.
- float32 where the TypeScript loop stores float32 (the sample, the model output, the guided output and
  the noise); float64 arithmetic in between.

Run: /usr/bin/python3 test/reference/diffusion_reference.py [OUT_DIR]
"""
import importlib.util
import json
import math
import os
import platform
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('latent_reference', os.path.join(HERE, 'latent_reference.py'))
latent_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(latent_reference)

M32 = 0xFFFFFFFF


def stream_seed(seed, stream):
    fmix32 = latent_reference.fmix32
    h = fmix32((seed & M32) ^ 0x5851F42D)
    h = fmix32(h ^ (seed >> 32) ^ 0x4C957F2D)
    h = fmix32(h ^ stream ^ 0x14057B7E)
    hi = fmix32(h ^ 0x2545F491) >> 11
    lo = fmix32(h ^ 0x6C078965)
    return hi * 2**32 + lo


def noise(seed, stream, first, count, dims):
    s = stream_seed(seed, stream)
    return np.array([latent_reference.latent_row(s, first + i, dims, 'normal') for i in range(count)], dtype=np.float32)


# --- schedules ---------------------------------------------------------------------------------------

def betas_of(name, T, start, end):
    if name == 'linear':
        return np.linspace(start, end, T, dtype=np.float64)
    if name == 'scaled-linear':
        return np.linspace(start**0.5, end**0.5, T, dtype=np.float64) ** 2
    if name == 'cosine':
        s = 0.008
        f = lambda t: math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2  # noqa: E731
        return np.array([min(1 - f(t) / f(t - 1), 0.999) for t in range(1, T + 1)], dtype=np.float64)
    raise ValueError(name)


def timesteps_of(T, N, spacing):
    if spacing == 'leading':
        ts = (np.arange(0, N) * (T // N)).round()[::-1]
    elif spacing == 'trailing':
        # numpy.arange(T, 0, -T/N) gives N + 1 values for some T, N (17, 7) by floating-point
        # rounding of its length; the spacing means its first N.
        ts = (np.round(np.arange(T, 0, -T / N)) - 1)[:N]
    elif spacing == 'linspace':
        ts = np.linspace(0, T - 1, N).round()[::-1]
    else:
        raise ValueError(spacing)
    assert len(ts) == N, (T, N, spacing)
    return [int(t) for t in ts]


# --- the tiny denoiser ---------------------------------------------------------------------------------

def denoiser(x, t, T, first, branch):
    count, dims = x.shape
    j = np.arange(dims) % 3
    c = np.zeros((count, 1)) if branch != 'conditional' else (1 + (first + np.arange(count)) % 2).reshape(-1, 1).astype(np.float64)
    return np.tanh(0.9 * x.astype(np.float64) + 0.6 * t / T - 0.3 + 0.1 * j + 0.25 * c).astype(np.float32)


# --- one step from the equations ---------------------------------------------------------------------

def x0_and_eps(prediction, m, x, a_bar):
    m = m.astype(np.float64)
    x = x.astype(np.float64)
    if prediction == 'epsilon':
        eps = m
        x0 = (x - math.sqrt(1 - a_bar) * eps) / math.sqrt(a_bar)
    elif prediction == 'v':
        x0 = math.sqrt(a_bar) * x - math.sqrt(1 - a_bar) * m
        eps = math.sqrt(1 - a_bar) * x + math.sqrt(a_bar) * m
    elif prediction == 'x0':
        x0 = m
        eps = (x - math.sqrt(a_bar) * x0) / math.sqrt(1 - a_bar)
    else:
        raise ValueError(prediction)
    return x0, eps


def run_case(case):
    T, N = case['trainSteps'], case['sampleSteps']
    betas = betas_of(case['betaSchedule'], T, case.get('betaStart', 1e-4), case.get('betaEnd', 0.02))
    a_bars = np.cumprod(1 - betas)
    ts = timesteps_of(T, N, case.get('timestepSpacing', 'leading'))
    seed, first, count = case['seed'], case['firstSample'], case['count']
    dims = int(np.prod(case['shape']))
    clip = case.get('clipSample')
    eta = case.get('eta', 0)
    w = case.get('guidanceScale')
    x = noise(seed, 0, first, count, dims)
    trajectory = []
    for k, t in enumerate(ts):
        if w is None:
            m = denoiser(x, t, T, first, 'single')
        else:
            cond = denoiser(x, t, T, first, 'conditional').astype(np.float64)
            uncond = denoiser(x, t, T, first, 'unconditional').astype(np.float64)
            m = (uncond + w * (cond - uncond)).astype(np.float32)
        a_t = a_bars[t]
        a_prev = a_bars[ts[k + 1]] if k + 1 < N else 1.0
        x0, eps = x0_and_eps(case['prediction'], m, x, a_t)
        if clip is not None:
            x0 = np.clip(x0, clip[0], clip[1])
        xt = x.astype(np.float64)
        if case['scheduler'] == 'ddpm':
            alpha = a_t / a_prev
            beta = 1 - alpha
            mean = math.sqrt(a_prev) * beta / (1 - a_t) * x0 + math.sqrt(alpha) * (1 - a_prev) / (1 - a_t) * xt
            var = (1 - a_prev) / (1 - a_t) * beta
            nxt = mean + math.sqrt(var) * noise(seed, k + 1, first, count, dims) if var > 0 else mean
        else:
            sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t)) * math.sqrt(1 - a_t / a_prev)
            nxt = math.sqrt(a_prev) * x0 + math.sqrt(max(1 - a_prev - sigma**2, 0)) * eps
            if sigma > 0:
                nxt = nxt + sigma * noise(seed, k + 1, first, count, dims)
        x = nxt.astype(np.float32)
        # The shortest decimal that reads back as the same float32.
        trajectory.append([float(str(v)) for v in x.reshape(-1)])
    return ts, trajectory


def cases():
    out = []
    samplers = [('ddpm', None), ('ddim', 0), ('ddim', 1)]
    clips = {'leading': None, 'trailing': [-1, 1], 'linspace': [-1, 0.8]}
    n = 0
    for scheduler, eta in samplers:
        for prediction in ('epsilon', 'v', 'x0'):
            for schedule in ('linear', 'scaled-linear', 'cosine'):
                for spacing in ('leading', 'trailing', 'linspace'):
                    case = {'scheduler': scheduler, 'prediction': prediction, 'betaSchedule': schedule, 'timestepSpacing': spacing,
                            'trainSteps': 1000, 'sampleSteps': 8, 'seed': 1000 + n, 'firstSample': 5, 'count': 3, 'shape': [2, 2]}
                    if schedule == 'scaled-linear':
                        case.update(betaStart=0.00085, betaEnd=0.012)
                    if eta is not None:
                        case['eta'] = eta
                    if clips[spacing] is not None:
                        case['clipSample'] = clips[spacing]
                    out.append(case)
                    n += 1
    base = {'trainSteps': 1000, 'sampleSteps': 8, 'firstSample': 2, 'count': 3, 'shape': [5]}
    out += [
        # Classifier-free guidance with each sampler and a few prediction types.
        {**base, 'scheduler': 'ddim', 'eta': 0, 'prediction': 'epsilon', 'betaSchedule': 'linear', 'guidanceScale': 3, 'seed': 7},
        {**base, 'scheduler': 'ddpm', 'prediction': 'v', 'betaSchedule': 'cosine', 'timestepSpacing': 'trailing', 'guidanceScale': 2.5, 'seed': 8},
        {**base, 'scheduler': 'ddim', 'eta': 1, 'prediction': 'x0', 'betaSchedule': 'scaled-linear', 'timestepSpacing': 'linspace',
         'guidanceScale': 1.5, 'clipSample': [-1, 1], 'seed': 9},
        # Every training step visited (N = T) and a stride that does not divide T, with seeds and
        # sample indices past 2^32.
        {'scheduler': 'ddpm', 'prediction': 'epsilon', 'betaSchedule': 'linear', 'betaStart': 0.001, 'betaEnd': 0.2, 'trainSteps': 20,
         'sampleSteps': 20, 'seed': 2**40 + 3, 'firstSample': 0, 'count': 2, 'shape': [3]},
        {'scheduler': 'ddim', 'eta': 0.5, 'prediction': 'v', 'betaSchedule': 'cosine', 'timestepSpacing': 'trailing', 'trainSteps': 1000,
         'sampleSteps': 7, 'seed': 2**53 - 1, 'firstSample': 2**33 + 1, 'count': 2, 'shape': [3]},
        {'scheduler': 'ddpm', 'prediction': 'x0', 'betaSchedule': 'scaled-linear', 'timestepSpacing': 'linspace', 'trainSteps': 1000,
         'sampleSteps': 7, 'seed': 11, 'firstSample': 0, 'count': 2, 'shape': [3], 'clipSample': [-1, 1]},
    ]
    return out


SCHEDULE_INDICES = [0, 1, 2, 10, 100, 500, 900, 998, 999]
TIMESTEP_CASES = [(1000, 8), (1000, 7), (1000, 16), (1000, 3), (1000, 1), (1000, 1000), (10, 4), (50, 1), (20, 20), (999, 10), (17, 7), (15, 13)]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'fixtures', 'diffusion')
    os.makedirs(out_dir, exist_ok=True)
    schedules = []
    for name, start, end in (('linear', 1e-4, 0.02), ('scaled-linear', 0.00085, 0.012), ('cosine', 1e-4, 0.02)):
        betas = betas_of(name, 1000, start, end)
        a_bars = np.cumprod(1 - betas)
        schedules.append({'betaSchedule': name, 'trainSteps': 1000, 'betaStart': start, 'betaEnd': end, 'indices': SCHEDULE_INDICES,
                          'betas': [float(betas[i]) for i in SCHEDULE_INDICES], 'alphasCumprod': [float(a_bars[i]) for i in SCHEDULE_INDICES]})
    timesteps = [{'trainSteps': T, 'sampleSteps': N, 'timestepSpacing': s, 'timesteps': timesteps_of(T, N, s)}
                 for T, N in TIMESTEP_CASES for s in ('leading', 'trailing', 'linspace')]
    streams = [{'seed': seed, 'stream': stream, 'streamSeed': stream_seed(seed, stream)}
               for seed in (0, 1, 2**32 + 7, 2**53 - 1) for stream in (0, 1, 999)]
    runs = []
    for case in cases():
        ts, trajectory = run_case(case)
        runs.append({'config': case, 'timesteps': ts, 'trajectory': trajectory})
    doc = {
        '_provenance': {'script': 'test/reference/diffusion_reference.py', 'python': platform.python_version(), 'numpy': np.__version__},
        'schedules': schedules,
        'timesteps': timesteps,
        'streams': streams,
        'runs': runs,
    }
    with open(os.path.join(out_dir, 'reference_runs.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
