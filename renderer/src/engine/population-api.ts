import { z } from 'zod';
import type { PopulationView } from '../db/population';
import { POPULATION_SECTIONS } from './population/aggregate';
import { GROUP_BYS } from './population/groups';
import { POPULATION_METRICS } from './population/year-block';

/**
 * The engine's population method: the figures over 10,000 patients' summaries are aggregated
 * in the worker (where the clinic-wide cache stays warm between calls), off the UI thread.
 * The result is the worker's own computation handed back by structured clone; it is checked
 * for shape only at the top, as its cells are built by one pure module (engine/population).
 */
const isPopulationView = (v: unknown): v is PopulationView =>
  v !== null && typeof v === 'object' && Array.isArray((v as { groups?: unknown }).groups) && Array.isArray((v as { months?: unknown }).months);

export const populationMethods = {
  'population.compute': {
    params: z
      .object({
        metric: z.enum(POPULATION_METRICS),
        groupBy: z.enum(GROUP_BYS),
        sections: z.array(z.enum(POPULATION_SECTIONS)).min(1).max(POPULATION_SECTIONS.length),
      })
      .strict(),
    result: z.custom<PopulationView>(isPopulationView, { message: 'not population figures' }),
  },
};
