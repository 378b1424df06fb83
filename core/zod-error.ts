import type { z } from 'zod';

/** Turns a zod error into one line that names the path of each problem. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}
