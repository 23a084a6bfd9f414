export declare const expectedTargets: Record<'linux' | 'mac' | 'win', string[]>;
export declare const expectedFuses: Record<string, boolean>;
export declare function globToRegExp(glob: string): RegExp;
export declare function checkBuilderConfig(options?: {
  projectDir?: string;
  configPath?: string;
  checkFiles?: boolean;
}): string[];
