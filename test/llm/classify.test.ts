import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  callFailureReasons,
  LlmAnswerTooLarge,
  LlmBadResponse,
  LlmCallError,
} from '../../pipeline/llm/errors.ts';
import { classifySdkError } from '../../pipeline/llm/retry.ts';
import { dnsFailure } from '../../pipeline/util/net.ts';

/** fetch's shape for a failed lookup: TypeError('fetch failed') caused by the resolver's error. */
function lookupFailure(code: string, hostname: string): TypeError {
  const resolver = Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), {
    code,
    hostname,
    syscall: 'getaddrinfo',
  });
  return new TypeError('fetch failed', { cause: resolver });
}

describe.each([
  ['openai', OpenAI],
  ['anthropic', Anthropic],
] as const)('which %s failures are retried', (_name, sdk) => {
  const classify = (error: unknown) => classifySdkError(error, sdk, 0);
  const status = (code: number) =>
    sdk.APIError.generate(code, { error: { message: 'x' } }, 'x', new Headers());

  it('retries 408, 429 and 5xx; never 400, 404, 409 or 422', () => {
    expect([408, 429, 500, 502, 529].map((code) => classify(status(code)).retryable)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 404, 409, 422].map((code) => classify(status(code)))).toEqual(
      [400, 404, 409, 422].map((code) =>
        expect.objectContaining({ kind: 'bad_request', retryable: false, status: code }),
      ),
    );
  });

  it('does not retry a DNS failure, ENOTFOUND or EAI_AGAIN, and names the host', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const failure = classify(new sdk.APIConnectionError({ cause: lookupFailure(code, 'llm.internal') }));
      expect(failure).toMatchObject({
        kind: 'dns',
        retryable: false,
        message: `cannot resolve host llm.internal (${code})`,
      });
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(
      classify(new sdk.APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) })),
    ).toMatchObject({
      kind: 'connection',
      retryable: true,
    });
  });

  it('does not retry an answer that is too large or not a completion', () => {
    const tooLarge = new sdk.APIConnectionError({
      cause: new LlmAnswerTooLarge('the answer announces 9 bytes'),
    });
    expect(classify(tooLarge)).toMatchObject({
      kind: 'too_large',
      retryable: false,
      message: 'the answer announces 9 bytes',
    });
    expect(classify(new SyntaxError('Unexpected token N in JSON'))).toMatchObject({
      kind: 'bad_response',
      retryable: false,
    });
    expect(classify(new LlmBadResponse('not a chat completion'))).toMatchObject({
      kind: 'bad_response',
      retryable: false,
    });
  });
});

describe('stable reasons', () => {
  it('gives every failure kind a snake_case reason the runner records', () => {
    for (const [kind, reason] of Object.entries(callFailureReasons)) {
      expect(reason).toMatch(/^llm_[a-z_]+$/);
      const error = new LlmCallError('x', {
        kind: kind as keyof typeof callFailureReasons,
        status: undefined,
        attempts: 1,
      });
      expect(error.reason).toBe(reason);
    }
    expect(new Set(Object.values(callFailureReasons)).size).toBe(Object.keys(callFailureReasons).length);
  });

  it('finds a DNS failure however deep fetch and the SDKs wrap it', () => {
    const wrapped = new Error('outer', {
      cause: new Error('middle', { cause: lookupFailure('EAI_AGAIN', 'api.kaggle.com') }),
    });
    expect(dnsFailure(wrapped)).toBe('cannot resolve host api.kaggle.com (EAI_AGAIN)');
    expect(
      dnsFailure(
        new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
      ),
    ).toBeUndefined();
  });
});
