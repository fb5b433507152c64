import { describe, expect, it } from 'vitest';
import type { AgentProtocol } from '../../pipeline/agents/server.ts';
import {
  ANSCOMBE_TASK,
  call,
  evalWith,
  referencePrediction,
  scriptedSteps,
  trajectory,
  useSmallRelease,
} from './support.ts';

const fixture = useSmallRelease();

const parameters = {
  type: 'object',
  properties: {
    code: { type: 'string', description: expect.any(String) },
    files_to_load: { type: 'array', items: { type: 'string' }, description: expect.any(String) },
    files_to_save: { type: 'array', items: { type: 'string' }, description: expect.any(String) },
  },
  required: ['code', 'files_to_load', 'files_to_save'],
  additionalProperties: false,
};

/** The shapes of reference/dare-bench-agent.md, key for key. */
const expectedTool: Record<AgentProtocol, (description: unknown) => unknown> = {
  chat: (description) => ({
    type: 'function',
    function: { name: 'python_executor', description, parameters, strict: true },
  }),
  responses: (description) => ({
    type: 'function',
    name: 'python_executor',
    description,
    parameters,
    strict: true,
  }),
  anthropic: (description) => ({ name: 'python_executor', description, input_schema: parameters }),
};

describe.each(['chat', 'responses', 'anthropic'] as const)('the %s protocol', (protocol) => {
  it('sends the tool in its provider shape, runs the code and scores the prediction', {
    timeout: 120_000,
  }, async () => {
    const expected = await referencePrediction();
    const policy = scriptedSteps([
      call("print(open('val_v1.csv').read().count('\\n'))", ['val_v1.csv']),
      call(`open('prediction.csv', 'w').write(${JSON.stringify(expected)})`, [], ['prediction.csv']),
    ]);
    const { server, result, outDir } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol,
      turns: 4,
      toolTimeoutS: 30,
    });
    expect(server.requests).toHaveLength(3);
    const body = server.requests[0]?.body as { tools: unknown[]; temperature: number };
    const description = expect.stringMatching(
      /30-second time limit.*single-shot.*files_to_load.*files_to_save.*200 MB.*stdout and stderr.*print\(\).*up to 4 times/s,
    );
    expect(body.tools).toEqual([expectedTool[protocol](description)]);
    expect(body.temperature).toBe(0);
    // The policy saw the question, the tool results in order and the offered tool.
    const last = server.requests[2]?.input;
    expect(last?.tools).toEqual(['python_executor']);
    expect(last?.question).toMatch(/val_v1\.csv/);
    expect(last?.toolResults).toHaveLength(2);
    expect(last?.toolResults[0]).toMatch(/^stdout:\n5\n/);
    expect(result.summary.statuses.answered).toBe(1);
    expect(result.summary.columns.reg_if.mean).toBe(1);
    const lines = await trajectory(outDir, `${ANSCOMBE_TASK}.v1.r1`);
    expect(lines[0]).toEqual({ tools: body.tools });
    expect(lines.filter((line) => line.role === 'tool')).toHaveLength(2);
  });
});
