import { z } from 'zod';

/**
 * Kaggle API shapes, kept lenient on purpose: every field optional, numbers may arrive as
 * strings, unknown fields kept (they are copied verbatim into all_metadata.json data_info).
 */
const looseNumber = z.union([z.number(), z.string().transform((s) => Number(s))]).pipe(z.number());

export const kaggleTagSchema = z.looseObject({
  ref: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  fullPath: z.string().optional(),
});

export const kaggleListItemSchema = z.looseObject({
  id: looseNumber.optional(),
  ref: z.string(),
  title: z.string().optional(),
  subtitle: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  creatorName: z.string().optional(),
  ownerRef: z.string().optional(),
  totalBytes: looseNumber.optional(),
  lastUpdated: z.string().optional(),
  downloadCount: looseNumber.optional(),
  currentVersionNumber: looseNumber.nullable().optional(),
  usabilityRating: looseNumber.optional(),
  licenseName: z.string().optional(),
  isPrivate: z.boolean().optional(),
  tags: z.array(kaggleTagSchema).optional(),
});
export type KaggleListItem = z.infer<typeof kaggleListItemSchema>;

export const kaggleColumnSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
});

export const kaggleFileInfoSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullable().optional(),
  totalBytes: looseNumber.nullable().optional(),
  columns: z.array(kaggleColumnSchema).nullable().optional(),
});

export const kaggleMetadataSchema = z.looseObject({
  info: z.looseObject({
    datasetId: looseNumber.optional(),
    datasetSlug: z.string().optional(),
    ownerUser: z.string().optional(),
    title: z.string().optional(),
    subtitle: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    keywords: z.array(z.string()).nullable().optional(),
    licenses: z
      .array(z.looseObject({ name: z.string() }))
      .nullable()
      .optional(),
    usabilityRating: looseNumber.nullable().optional(),
    data: z.array(kaggleFileInfoSchema).nullable().optional(),
  }),
  errorMessage: z.string().nullable().optional(),
});
export type KaggleMetadata = z.infer<typeof kaggleMetadataSchema>;
