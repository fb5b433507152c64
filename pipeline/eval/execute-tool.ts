import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BlockedAttempt,
  decodeFile,
  type Executor,
  encodeFile,
  type RunCodeResponse,
} from '../sandbox/contract.ts';
import { readInside } from '../util/inside.ts';
import { parseToolArguments, TOOL_NAME } from './tool.ts';
import type { ToolCall } from './transcript.ts';

export interface ToolLimits {
  timeoutS: number;
  memoryLimitMb: number;
  maxFileBytes: number;
}

export interface ToolOutcome {
  /** What the model gets back: stdout and stderr, never the execution time. */
  content: string;
  /** The call failed: bad arguments, a missing file, a non-zero exit, a timeout or a sandbox failure. */
  error: boolean;
  /** The sandbox itself failed (not the agent's code). */
  sandboxError: boolean;
  blocked: BlockedAttempt[];
}

const refused = (content: string): ToolOutcome => ({
  content,
  error: true,
  sandboxError: false,
  blocked: [],
});

/**
 * One python_executor call: arguments validated, files_to_load read from the work folder
 * (plain names, size-capped) and uploaded, the code run in the sandbox with the tool's time
 * limit, files_to_save written back (plain names, size-capped).
 */
export async function executeToolCall(
  call: ToolCall,
  workDir: string,
  executor: Executor,
  limits: ToolLimits,
): Promise<ToolOutcome> {
  if (call.name !== TOOL_NAME)
    return refused(`Error: unknown tool ${JSON.stringify(call.name)}; the only tool is ${TOOL_NAME}.`);
  const parsed = parseToolArguments(call.arguments);
  if (!parsed.ok) return refused(`Error: ${parsed.message}.`);
  const { code, files_to_load, files_to_save } = parsed.args;
  const files: Record<string, string> = {};
  for (const name of files_to_load) {
    const read = await readInside(workDir, name, limits.maxFileBytes);
    if (!read.ok) {
      const why =
        read.reason === 'missing'
          ? 'does not exist in the working folder'
          : `cannot be loaded (${read.detail})`;
      return refused(`Error: files_to_load: ${name} ${why}.`);
    }
    files[name] = encodeFile(read.bytes);
  }
  const response = await executor.runCode({
    code,
    files,
    fetch_files: files_to_save,
    run_timeout: limits.timeoutS,
    memory_limit_MB: limits.memoryLimitMb,
  });
  const blocked = response.blocked_attempts ?? [];
  if (response.status === 'SandboxError' && response.run_result === null) {
    return {
      content: `Error: the sandbox failed: ${response.message}`,
      error: true,
      sandboxError: true,
      blocked,
    };
  }
  const notes = await saveFiles(response, files_to_save, workDir, limits.maxFileBytes);
  return {
    content: formatResult(response, limits.timeoutS, notes),
    error: response.status !== 'Success' || notes.length > 0,
    sandboxError: false,
    blocked,
  };
}

async function saveFiles(
  response: RunCodeResponse,
  names: readonly string[],
  workDir: string,
  maxBytes: number,
): Promise<string[]> {
  const notes: string[] = [];
  for (const name of names) {
    const content = response.files[name];
    if (content === undefined) {
      notes.push(`files_to_save: ${name} was not created by the code.`);
      continue;
    }
    const bytes = decodeFile(content);
    if (bytes.byteLength > maxBytes) {
      notes.push(
        `files_to_save: ${name} is over the ${Math.round(maxBytes / 1024 ** 2)} MB limit and was not saved.`,
      );
      continue;
    }
    // A plain name in a folder only we write to: no link can be in the way.
    await writeFile(join(workDir, name), bytes);
  }
  return notes;
}

/** stdout and stderr as the model sees them; the execution time is left out (greedy runs stay reproducible). */
export function formatResult(response: RunCodeResponse, timeoutS: number, notes: readonly string[]): string {
  const run = response.run_result;
  const lines: string[] = [];
  if (run?.status === 'TimeLimitExceeded')
    lines.push(`Error: the code ran past the ${timeoutS}-second time limit and was stopped.`);
  else if (run && run.return_code !== 0 && run.return_code !== null && run.return_code !== undefined) {
    lines.push(`Error: the code exited with status ${run.return_code}.`);
  }
  lines.push(`stdout:\n${run?.stdout ?? ''}`, `stderr:\n${run?.stderr ?? ''}`);
  lines.push(...notes);
  return lines.join('\n');
}
