import type { ComponentChildren } from 'preact';
import type { Polled } from './poll.js';

export function Status<T>({
  polled,
  children,
}: {
  polled: Polled<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (polled.data === undefined)
    return polled.error ? (
      <p class="error" role="alert">
        {polled.error.message}
      </p>
    ) : (
      <p class="muted">Loading…</p>
    );
  return (
    <>
      {polled.error && (
        <p class="error" role="alert">
          Not updated: {polled.error.message}
        </p>
      )}
      {children(polled.data)}
    </>
  );
}

export function Live({ at }: { at: number | undefined }) {
  return (
    <span class="live" title="polled from the API">
      ● live{at ? ` · ${new Date(at).toLocaleTimeString('en-GB')}` : ''}
    </span>
  );
}

export function Section({
  title,
  extra,
  children,
}: {
  title: string;
  extra?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section>
      <h2>
        {title} {extra}
      </h2>
      {children}
    </section>
  );
}

export const Badge = ({
  kind,
  children,
}: {
  kind: 'ok' | 'warn' | 'bad' | 'info';
  children: ComponentChildren;
}) => <span class={`badge ${kind}`}>{children}</span>;

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="muted">{children}</p>;
