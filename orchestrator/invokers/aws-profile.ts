/**
 * Names the AWS profile at fault when the SDK cannot find it. Asked for a profile that is in neither
 * shared file, the SDK only says "Could not load credentials from any providers" (or "Region is
 * missing"); this reads the profile names out of those files, where the SDK looks for them
 * (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials), to say
 * which profile is missing and which exist. Only to explain a failure: never to resolve credentials.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FanoutError } from '../../core/errors';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the SDK reads profiles from. */
export interface SharedConfigFiles {
  config: string;
  credentials: string;
}

/** The asked-for profile is in neither shared file. */
export class AwsProfileNotFoundError extends FanoutError {
  override readonly name = 'AwsProfileNotFoundError';
  readonly code = 'FANOUT_AWS_PROFILE_NOT_FOUND';
  override readonly userFacing = true;
  constructor(
    readonly profile: string,
    /** Where the name came from: the `profile` option (`--profile`) or the AWS_PROFILE variable. */
    readonly source: 'option' | 'AWS_PROFILE',
    /** The profiles the files do define, sorted. */
    readonly knownProfiles: readonly string[],
    readonly files: SharedConfigFiles,
    options?: { cause?: unknown },
  ) {
    const from = source === 'AWS_PROFILE' ? ' (from AWS_PROFILE)' : '';
    const known = knownProfiles.length > 0 ? `profiles there: ${knownProfiles.join(', ')}` : 'no profiles are defined there';
    super(
      `AWS profile "${profile}"${from} is not in ${files.config} or ${files.credentials} (${known}). ` +
        `Create it with \`aws configure --profile ${profile}\` (or \`aws configure sso --profile ${profile}\`), or use one of those.`,
      options,
    );
  }
}

/** The shared config and credentials files, as the SDK finds them. */
export function sharedConfigFiles(env: Env = process.env): SharedConfigFiles {
  const home = env.HOME ?? env.USERPROFILE ?? (env.HOMEPATH ? `${env.HOMEDRIVE ?? 'C:'}${env.HOMEPATH}` : os.homedir());
  return {
    config: env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials'),
  };
}

/**
 * The profile names the two files define, sorted: `[default]` and `[profile NAME]` sections of the
 * config file (other sections, such as `[sso-session NAME]`, are not profiles), every section of the
 * credentials file. A missing or unreadable file defines none.
 */
export function profileNames(files: SharedConfigFiles, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): string[] {
  const names = new Set<string>();
  for (const section of sections(files.config, read)) {
    if (section === 'default') names.add(section);
    const profile = /^profile\s+(.+)$/.exec(section);
    if (profile) names.add(profile[1]!.trim());
  }
  for (const section of sections(files.credentials, read)) names.add(section);
  return [...names].sort();
}

/** The section names of an INI file, as the SDK's parser reads them (`[ name ]`, trimmed). */
function sections(file: string, read: (file: string) => string): string[] {
  let text: string;
  try {
    text = read(file);
  } catch {
    return [];
  }
  return text.split(/\r?\n/).flatMap((line) => {
    const header = /^\s*\[([^[\]]+)\]\s*$/.exec(line);
    return header ? [header[1]!.trim()] : [];
  });
}

/**
 * AwsProfileNotFoundError when `profile` (the option, else AWS_PROFILE) is named but defined in
 * neither shared file; undefined when no profile was named or it exists.
 */
export function missingProfile(profile: string | undefined, env: Env = process.env, cause?: unknown): AwsProfileNotFoundError | undefined {
  const name = profile ?? env.AWS_PROFILE;
  if (!name) return undefined;
  const files = sharedConfigFiles(env);
  const known = profileNames(files);
  if (known.includes(name)) return undefined;
  return new AwsProfileNotFoundError(name, profile ? 'option' : 'AWS_PROFILE', known, files, { cause });
}
