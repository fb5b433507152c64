// A leaf module: the trajectories command names the strategies in its --help without loading
// the selection code (and zod with it), so `--help` stays fast.

/** The four selection strategies of the paper's SFT ablation (definitions in the README). */
export const strategies = ['FV', 'AV', 'BV', 'DV'] as const;
export type Strategy = (typeof strategies)[number];
