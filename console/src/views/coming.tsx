import { Section } from '../ui.js';

/** Explain and analysis (SPEC §12) plug in here: add their component to VIEWS in views/index.ts. */
export function ComingView({ title }: { title: string }) {
  return (
    <Section title={title}>
      <p class="muted">Not in this console yet (SPEC §12): the API routes for it come first.</p>
    </Section>
  );
}
