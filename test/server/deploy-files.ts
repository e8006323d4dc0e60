/** Reads the Dockerfile and compose.yaml the way Docker would, as far as the deploy tests need. */
import { readFileSync } from 'node:fs';
import { parseYamlSubset } from './yaml-subset.js';

/** The Dockerfile's stages (logical lines, continuations joined), its final ENV and CMD. */
export function dockerfile() {
  const logical = readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of logical) {
    if (line.startsWith('FROM ')) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const last = stages.at(-1) ?? [];
  const env: Record<string, string> = {};
  for (const line of last.filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)) env[key!] = value!;
  }
  const cmdLine = last.findLast((l) => l.startsWith('CMD '));
  const cmd = cmdLine ? (JSON.parse(cmdLine.slice(4)) as string[]) : [];
  return { stages, env, cmd };
}

/** `${NAME:-default}` as compose resolves it with no .env: the default. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** A compose service's environment, interpolated with the defaults. */
export function composeEnvironment(compose: unknown, service: string): Record<string, string> {
  const services = (compose as { services: Record<string, { environment?: Record<string, string> }> }).services;
  return Object.fromEntries(Object.entries(services[service]?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
}

export function readCompose() {
  return parseYamlSubset(readFileSync('compose.yaml', 'utf8'));
}
