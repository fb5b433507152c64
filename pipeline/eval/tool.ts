import { z } from 'zod';

/** The one tool of the published protocol. */
export const TOOL_NAME = 'python_executor';

export interface ToolSettings {
  /** Seconds per call (the paper: 200). */
  timeoutS: number;
  /** Largest file uploaded or saved back, in MB (the published config: 200). */
  maxFileSizeMb: number;
  /** Model turns per conversation (the paper: 5). */
  maxTurns: number;
}

/** The published tool description (reference/dare-bench-agent.md) with the run's limits filled in. */
export function toolDescription(settings: ToolSettings): string {
  return [
    `Run a Python script in an isolated sandbox with a ${settings.timeoutS}-second time limit.`,
    'Each call is single-shot: no state (variables, imports, files) persists between calls.',
    'Upload files from the working folder with files_to_load and retrieve files the script writes with files_to_save (plain file names, no paths).',
    `The maximum file size is ${settings.maxFileSizeMb} MB.`,
    'Returns the stdout and stderr of the script; use print() to see results.',
    `This tool may be called up to ${settings.maxTurns} times per conversation.`,
  ].join(' ');
}

/** The arguments' JSON Schema: all three required, no extra properties (strict mode). */
export function toolParameters(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'The Python code to execute.' },
      files_to_load: {
        type: 'array',
        items: { type: 'string' },
        description: 'File names in the working folder to upload before the code runs.',
      },
      files_to_save: {
        type: 'array',
        items: { type: 'string' },
        description: 'File names the code writes that are saved back to the working folder.',
      },
    },
    required: ['code', 'files_to_load', 'files_to_save'],
    additionalProperties: false,
  };
}

export type ToolProtocol = 'chat' | 'responses' | 'anthropic';

/** The tool as each provider expects it (the shapes the published inference code sends). */
export function toolSchemaFor(protocol: ToolProtocol, settings: ToolSettings): Record<string, unknown> {
  const description = toolDescription(settings);
  const parameters = toolParameters();
  if (protocol === 'anthropic') return { name: TOOL_NAME, description, input_schema: parameters };
  if (protocol === 'responses') {
    return { type: 'function', name: TOOL_NAME, description, parameters, strict: true };
  }
  return { type: 'function', function: { name: TOOL_NAME, description, parameters, strict: true } };
}

/** A plain file name of the work folder: no separators, no `.`/`..`, no NUL, not hidden tricks. */
export const plainFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\\0]/.test(name) && name !== '.' && name !== '..', {
    message: 'must be a plain file name in the working folder (no paths)',
  });

export const toolArgumentsSchema = z.strictObject({
  code: z.string(),
  files_to_load: z.array(plainFileName).max(64),
  files_to_save: z.array(plainFileName).max(64),
});

export type ToolArguments = z.infer<typeof toolArgumentsSchema>;

/** The arguments a model sent (a JSON text), validated; the refusal is quoted back as the tool result. */
export function parseToolArguments(
  text: string,
): { ok: true; args: ToolArguments } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the arguments are not valid JSON' };
  }
  const parsed = toolArgumentsSchema.safeParse(value);
  if (parsed.success) return { ok: true, args: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, message: `invalid arguments: ${where}${issue?.message ?? 'invalid'}` };
}
