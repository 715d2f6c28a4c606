export function readDevVar(file: string, key: string): string | undefined;
export function setDevVar(file: string, key: string, value: string): void;
