// Each page's one h1. It names the page in the tab title and takes the focus
// when the page opens, so keyboard and screen-reader users land on the new
// content instead of staying on the link they followed.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Before the frame is painted: a heading on screen already has the focus (an effect runs a frame later).
  useLayoutEffect(() => {
    document.title = `${title} · Tally console`;
    heading.current?.focus();
  }, [title]);
  return (
    <hgroup>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children && <p>{children}</p>}
    </hgroup>
  );
}
