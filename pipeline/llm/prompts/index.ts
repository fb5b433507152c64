import { domainTemplate } from './domain.ts';
import { entitiesTemplate } from './entities.ts';
import { resampleTemplate } from './resample.ts';
import { rewriteTemplate } from './rewrite.ts';
import { tabularTemplate } from './tabular.ts';
import { timeSeriesTemplate } from './timeseries.ts';

/** Every prompt and its version: recorded in draft.json and part of each cache key. */
export const promptVersions: Record<string, string> = Object.fromEntries(
  [
    tabularTemplate,
    timeSeriesTemplate,
    entitiesTemplate,
    resampleTemplate,
    domainTemplate,
    rewriteTemplate,
  ].map((template) => [template.name, template.version]),
);

export {
  domainTemplate,
  entitiesTemplate,
  resampleTemplate,
  rewriteTemplate,
  tabularTemplate,
  timeSeriesTemplate,
};
