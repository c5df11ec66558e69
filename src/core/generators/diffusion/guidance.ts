// Classifier-free guidance (Ho & Salimans 2022, eq. 6 written with w + 1 = scale): the model is run
// with the condition and with the null condition, and the two outputs are extrapolated,
//   out = uncond + scale * (cond - uncond),
// so scale 1 is the conditional model and larger scales trade diversity for fidelity to the class.
// Applied to the raw model output, as diffusers does; the combination is linear, so it means the
// same for epsilon, v and x0 predictions.

export function classifierFreeGuidance(unconditional: Float32Array, conditional: Float32Array, scale: number): Float32Array {
  if (unconditional.length !== conditional.length) {
    throw new RangeError(`guidance needs outputs of one length, got ${unconditional.length} and ${conditional.length}`);
  }
  const out = new Float32Array(conditional.length);
  for (let i = 0; i < out.length; i++) out[i] = unconditional[i] + scale * (conditional[i] - unconditional[i]);
  return out;
}
