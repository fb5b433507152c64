import { z } from 'zod';

export const verifySection = z
  .strictObject({
    python: z
      .string()
      .default('/usr/bin/python3')
      .describe('The Python interpreter with pandas and scikit-learn that runs reference solutions.'),
  })
  .describe('The verify stage (reference solutions in a sandbox).');
