import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfile } from '../../pipeline/export/harbor.ts';
import { pythonPins } from '../../pipeline/export/tasks.ts';

const environment = (pandas: string) => ({
  python: '3.12.4',
  libraries: { numpy: '1.26.4', pandas, sklearn: '1.4.2', scipy: '1.13.0' },
});

describe('the Python packages exported Dockerfiles pin', () => {
  it("come from the release's environment fingerprint when its verdicts recorded one", async () => {
    const pins = await pythonPins({ tasks: [], environments: [environment('2.2.2'), environment('2.2.2')] });
    expect(pins).toEqual({
      python: '3.12',
      numpy: '1.26.4',
      pandas: '2.2.2',
      scikit_learn: '1.4.2',
      source: 'release_environment',
    });
    expect(dockerfile(pins)).toContain('FROM python:3.12-slim\n');
    expect(dockerfile(pins)).toContain(
      'pip install --no-cache-dir numpy==1.26.4 pandas==2.2.2 scikit-learn==1.4.2\n',
    );
  });

  it('fall back to verifiers/requirements.txt for a release without one (a published corpus)', async () => {
    const pins = await pythonPins({ tasks: [], environments: [] });
    const requirements = await readFile(join(process.cwd(), 'verifiers/requirements.txt'), 'utf8');
    expect(pins.source).toBe('verifiers/requirements.txt');
    expect(requirements).toContain(`pandas==${pins.pandas}\n`);
    expect(requirements).toContain(`scikit-learn==${pins.scikit_learn}\n`);
    expect(requirements).toContain(`numpy==${pins.numpy}\n`);
  });

  it('are refused when the verdicts come from environments with different versions', async () => {
    await expect(
      pythonPins({ tasks: [], environments: [environment('2.2.2'), environment('1.5.3')] }),
    ).rejects.toThrow(/2 environments with different library versions.*re-verify/);
  });
});
