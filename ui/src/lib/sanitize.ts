// Second layer behind the core's ammonia allow-list: whatever reaches the reader goes through
// DOMPurify too, with scripts, frames, forms, SVG/MathML, styles and event handlers removed.
import DOMPurify from "dompurify";

const FORBID_TAGS = [
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "form",
  "input",
  "button",
  "textarea",
  "select",
  "svg",
  "math",
  "link",
  "meta",
  "base",
  "template",
  "noscript",
];

let hooked = false;

const CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR: ["style", "srcset", "formaction", "action", "target", "ping"],
  ALLOW_DATA_ATTR: false,
  // ids become `user-content-…` (as on GitHub): a heading called "Action" or "Forms" can then
  // neither clobber DOM properties nor lose its anchor to DOMPurify's clobbering filter.
  SANITIZE_NAMED_PROPS: true,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
};

function hook(): void {
  if (!hooked) {
    // Every surviving link is marked external; the reader routes clicks through the opener.
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A") {
        const href = node.getAttribute("href") ?? "";
        if (!/^(https?:|#|mailto:)/i.test(href)) node.removeAttribute("href");
        node.setAttribute("rel", "noopener noreferrer");
      }
    });
    hooked = true;
  }
}

export function sanitizeHtml(html: string): string {
  hook();
  return DOMPurify.sanitize(html, CONFIG);
}

/** Sanitised nodes, ready to insert (no second parse of a string). */
export function sanitizeToFragment(html: string): DocumentFragment {
  hook();
  return DOMPurify.sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true });
}

export const ANCHOR_PREFIX = "user-content-";

// Text with no `<` or `>` but those of `<mark>` and `</mark>`: no other element can start, so
// it is inert as it is. The core's snippets are that (escaped text with marks); checking costs
// a regular-expression pass, while DOMPurify parses a document per snippet (~0.1 ms each, 25
// rows a keystroke).
const ONLY_MARKS = /^(?:[^<>]|<\/?mark>)*$/;

/** Snippets are escaped text with `<mark>` only: keep exactly that. */
export function sanitizeSnippet(html: string): string {
  if (ONLY_MARKS.test(html)) return html;
  return DOMPurify.sanitize(html, { ALLOWED_TAGS: ["mark"], ALLOWED_ATTR: [] });
}
