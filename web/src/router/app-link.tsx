import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';
import { navigate } from './use-location.ts';
import { isAppPath } from './routes.ts';

export type AppLinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & {
  href: string;
  children?: ReactNode;
};

/** `<a>` that performs client-side navigation for in-app paths. Registered as the DSFR Link. */
export function AppLink({ onClick, ...props }: AppLinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>): void {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      (props.target !== undefined && props.target !== '_self') ||
      props.download !== undefined ||
      !isAppPath(props.href)
    ) {
      return;
    }
    event.preventDefault();
    navigate(props.href);
  }
  return <a {...props} onClick={handleClick} />;
}
