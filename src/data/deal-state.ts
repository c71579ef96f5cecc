/**
 * Where a deal stands in the rubric's deal pipeline, and whether it is stalled as of the as-of
 * date (docs/reports.md, "pipeline"): the deal-side counterpart of a lead's furthest stage and stall.
 */
import type { Deal } from '../model.js';
import type { Rubric } from '../rubric/resolve.js';

export interface DealState {
  /** Index of its pipeline stage; the number of stages when won; -1 when its stage is not in the pipeline. */
  readonly furthest: number;
  readonly stalled: boolean;
  /** Days since it last moved (NaN when unknown, or when it is closed or outside the pipeline). */
  readonly daysInStage: number;
}

/** How far a deal got: its stage, or for a closed deal the last stage with a date; a won deal passed them all. */
function dealFurthest(deal: Deal, stageCount: number): number {
  if (deal.outcome === 'won') return stageCount;
  let furthest = deal.stageIndex;
  for (let k = stageCount - 1; k > furthest; k--) {
    if (!Number.isNaN(deal.enteredStage(k))) {
      furthest = k;
      break;
    }
  }
  // A lost deal with no stage history is counted as lost at the first stage.
  if (furthest < 0 && deal.outcome === 'lost') furthest = 0;
  return furthest;
}

/** An open deal stalls when idle, from the later of its stage's entry and its last activity (else its created date), past the stage's threshold. */
export function dealState(deal: Deal, stages: Rubric['deals']['stages'], asOf: number): DealState {
  const furthest = dealFurthest(deal, stages.length);
  if (deal.outcome !== 'open' || furthest < 0 || furthest >= stages.length) return { furthest, stalled: false, daysInStage: NaN };
  const entered = deal.enteredStage(furthest);
  let since = Number.isNaN(entered) ? deal.lastActivity : Number.isNaN(deal.lastActivity) ? entered : Math.max(entered, deal.lastActivity);
  if (Number.isNaN(since)) since = deal.created;
  const daysInStage = Number.isNaN(since) ? NaN : asOf - since;
  const threshold = stages[furthest]!.stallAfterDays;
  return { furthest, stalled: threshold !== undefined && daysInStage > threshold, daysInStage };
}
