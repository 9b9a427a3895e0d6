// A wide table's frame: on a narrow screen the table scrolls sideways inside
// it, so the frame is focusable and named, and keyboard users can scroll it too.
import type { ComponentChildren } from 'preact';

export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="overflow-auto table-region" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
