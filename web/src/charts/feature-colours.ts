// One colour per feature, the same on every chart; dark enough to stand out
// on a white background (at least 3:1, as graphics must).
const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#be185d', '#6d28d9', '#0e7490', '#a16207', '#4d7c0f', '#9f1239', '#334155'];

export function colourOf(feature: string, features: readonly string[]): string {
  const index = features.indexOf(feature);
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
}
