import { resolve } from 'node:path';
import type { Context } from '../context.ts';
import type { Source } from './source.ts';

/** The source named by config (or --source), constructed lazily so unused ones cost nothing. */
export async function sourceFor(
  ctx: Context,
  kind: Source['kind'] = ctx.config.source.kind,
): Promise<Source> {
  switch (kind) {
    case 'mirror': {
      const { createMirrorSource } = await import('./mirror/index.ts');
      return createMirrorSource(resolve(ctx.cwd, ctx.config.source.mirror), ctx.config.kaggle.select);
    }
    case 'catalog': {
      const { createCatalogSource } = await import('./catalog/index.ts');
      return createCatalogSource(resolve(ctx.cwd, ctx.config.source.catalog));
    }
    case 'kaggle': {
      const { createKaggleSource } = await import('./kaggle/index.ts');
      return createKaggleSource(ctx.config.kaggle, ctx.logger);
    }
  }
}
