export declare const APPS: Record<string, { out: string; contents: string }>;
export declare function bundle(options: { contents: string; resolveDir: string; outfile: string }): Promise<void>;
