/**
 * The exact sum of doubles, rounded once (what Python's math.fsum returns): a test oracle for sums
 * of amounts. Each double is an integer times a power of two; scaled to the smallest power, they
 * add exactly as BigInts, and the total is rounded to a double once.
 */
export function exactSum(values: readonly number[]): number {
  const view = new DataView(new ArrayBuffer(8));
  const parts = values.map((x) => {
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    const sign = bits >> 63n === 1n ? -1n : 1n;
    const exponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    // value = mantissa × 2^power
    const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
    const power = (exponent === 0 ? 1 : exponent) - 1075;
    return { mantissa: sign * mantissa, power };
  });
  if (parts.length === 0) return 0;
  const lowest = Math.min(...parts.map((p) => p.power));
  let total = 0n;
  for (const p of parts) total += p.mantissa << BigInt(p.power - lowest);
  return roundToDouble(total, lowest);
}

/** total × 2^power as the nearest double (ties to even), for a power that keeps it normal. */
function roundToDouble(total: bigint, power: number): number {
  if (total === 0n) return 0;
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  // Keep 54 significant bits at most and a sticky bit, so Number() rounds the way one rounding would.
  const bits = magnitude.toString(2).length;
  let shift = 0;
  if (bits > 55) {
    shift = bits - 55;
    const dropped = magnitude & ((1n << BigInt(shift)) - 1n);
    magnitude >>= BigInt(shift);
    if (dropped !== 0n) magnitude |= 1n;
  }
  const value = Number(magnitude) * 2 ** (power + shift);
  return negative ? -value : value;
}
