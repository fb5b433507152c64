import { readFile } from 'node:fs/promises';
import { stringify } from 'smol-toml';
import type { CorpusReadLimits } from '../util/inside.ts';
import { copyScorer, REFERENCE_PROGRAM, readSourceFile, scoringSpec, template, writeOut } from './files.ts';
import type { ExportSource, ExportVariant, PythonPins } from './tasks.ts';

/** Limits every exported Harbor task states (the paper's 5 turns x 200 s, plus room). */
export const harborLimits = {
  verifier_timeout_sec: 300,
  agent_timeout_sec: 1800,
  build_timeout_sec: 900,
  cpus: 2,
  memory_mb: 4096,
  storage_mb: 10240,
} as const;

/** The working folder the agent's files are in and prediction.csv is read from. */
export const APP_DIR = '/app';

export function taskToml(v: ExportVariant, pins: PythonPins): string {
  return stringify({
    version: '1.0',
    task: { name: v.slug, id: v.id },
    metadata: {
      author_name: 'dare-forge',
      category: 'data-science',
      difficulty: v.variant === 'v1' && v.family !== 'time_series_analysis' ? 'medium' : 'hard',
      tags: ['dare-bench', v.family, v.variant],
      license: v.license,
      title: v.title,
      family: v.family,
      variant: v.variant,
      metric: v.metric,
      targets: v.targets,
      python_pins_source: pins.source,
    },
    verifier: { timeout_sec: harborLimits.verifier_timeout_sec },
    agent: { timeout_sec: harborLimits.agent_timeout_sec },
    environment: {
      build_timeout_sec: harborLimits.build_timeout_sec,
      cpus: harborLimits.cpus,
      memory_mb: harborLimits.memory_mb,
      storage_mb: harborLimits.storage_mb,
      allow_internet: false,
    },
  });
}

export function dockerfile(pins: PythonPins): string {
  return [
    `FROM python:${pins.python}-slim`,
    "# The verifier's packages, as the ground truth was computed (see task.toml python_pins_source).",
    `RUN pip install --no-cache-dir numpy==${pins.numpy} pandas==${pins.pandas} scikit-learn==${pins.scikit_learn}`,
    `WORKDIR ${APP_DIR}`,
    '# Only the files the question names; the ground truth is in tests/, which the agent never sees.',
    `COPY files/ ${APP_DIR}/`,
    '',
  ].join('\n');
}

function instruction(v: ExportVariant): string {
  return `${v.question.trimEnd()}\n\nYour files are in \`${APP_DIR}\` (the working folder): ${v.neededFiles.map((n) => `\`${n}\``).join(', ')}. Save \`prediction.csv\` there.\n`;
}

/** The solution: the reference program for IF tasks, the true values for the others. */
async function writeSolution(dir: string, v: ExportVariant, limits: CorpusReadLimits): Promise<void> {
  if (v.reference) {
    const format = v.reference.save_file_type;
    await writeOut(dir, 'solution/solve.sh', await template('solve_reference.sh'), 0o755);
    await writeOut(dir, 'solution/reference_solution.py', await readFile(REFERENCE_PROGRAM));
    await writeOut(dir, 'solution/params.json', `${JSON.stringify(v.reference, null, 2)}\n`);
    for (const name of [`train_v1_no_err.${format}`, `val_v1.${format}`]) {
      await writeOut(dir, `solution/data/${name}`, await readSourceFile(v, name, limits));
    }
    return;
  }
  await writeOut(dir, 'solution/solve.sh', await template('solve_oracle.sh'), 0o755);
  await writeOut(dir, 'solution/prediction.csv', v.truthText);
}

/** One Harbor task folder per task variant, `<out>/<task>_<variant>/`. */
export async function writeHarbor(out: string, source: ExportSource, limits: CorpusReadLimits) {
  for (const v of source.variants) {
    const dir = `${out}/${v.slug}`;
    await writeOut(dir, 'instruction.md', instruction(v));
    await writeOut(dir, 'task.toml', taskToml(v, source.pins));
    await writeOut(dir, 'environment/Dockerfile', dockerfile(source.pins));
    for (const name of v.neededFiles) {
      await writeOut(dir, `environment/files/${name}`, await readSourceFile(v, name, limits));
    }
    await writeOut(dir, 'tests/test.sh', await template('test.sh'), 0o755);
    await copyScorer(dir, 'tests/dare_score.py');
    await writeOut(dir, 'tests/task.json', `${JSON.stringify(scoringSpec(v), null, 2)}\n`);
    await writeOut(dir, 'tests/ground_truth.csv', v.truthText);
    await writeSolution(dir, v, limits);
  }
}
