import { InfraError, Rejection, UserError } from '../../errors.ts';
import { type Credentials, credentialsHelp } from './credentials.ts';
import { KaggleErrorMessage, KaggleHttpError, KaggleShapeError, KaggleUnavailableError } from './http.ts';

/** Definitive per-dataset answers become rejections with stable reasons; the rest propagate. */
export function datasetFailure(error: unknown, ref: string): never {
  if (error instanceof KaggleHttpError) {
    if (error.status === 401) {
      throw new Rejection(
        'kaggle_unauthorized',
        `${ref}: Kaggle refused the credentials (HTTP 401). ${credentialsHelp}`,
      );
    }
    if (error.status === 403) {
      throw new Rejection(
        'kaggle_forbidden',
        `${ref}: Kaggle refused access (HTTP 403): the dataset is private or gated, or its rules must be accepted on kaggle.com`,
      );
    }
    if (error.status === 404) {
      throw new Rejection(
        'kaggle_not_found',
        `${ref}: not found on Kaggle (${error.message}); check the ref (a brand-new version can 404 for a few seconds)`,
      );
    }
    throw new Rejection('kaggle_http_error', `${ref}: ${error.message}`);
  }
  if (error instanceof KaggleShapeError) throw new Rejection(error.reason, error.message);
  if (error instanceof KaggleErrorMessage) throw new Rejection('kaggle_error_message', error.message);
  throw error;
}

/** Listing failures stop the run: bad credentials are the user's to fix, an unreachable API is infrastructure. */
export function listingFailure(error: unknown, credentials: Credentials): Error {
  if (error instanceof KaggleHttpError && error.status === 401) {
    const used =
      credentials.kind === 'anonymous'
        ? 'no credentials were found'
        : `credentials from ${credentials.source}`;
    return new UserError(`Kaggle refused to list datasets (HTTP 401; ${used}). ${credentialsHelp}`);
  }
  if (error instanceof KaggleHttpError)
    return new UserError(`Kaggle refused to list datasets (${error.message})`);
  if (error instanceof KaggleUnavailableError || error instanceof KaggleShapeError)
    return new InfraError(`Kaggle listing failed: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}
