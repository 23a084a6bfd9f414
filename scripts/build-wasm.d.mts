export declare const modules: { source: string; output: string; name: string }[];
export declare const flags: string[];
export declare function buildBytes(source: string): Promise<Uint8Array>;
export declare function moduleText(source: string, name: string, bytes: Uint8Array): string;
