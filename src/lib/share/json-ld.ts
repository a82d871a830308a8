/**
 * Structured data (JSON-LD) for question pages.
 *
 * Which type: schema.org has QAPage ("a page whose primary focus is a single
 * question and its answers", https://schema.org/QAPage) and FAQPage ("a
 * WebPage presenting one or more frequently asked questions",
 * https://schema.org/FAQPage). Google reserves QAPage for pages where users
 * can submit answers to the question, and points site-authored answers to
 * FAQPage (https://developers.google.com/search/docs/appearance/structured-data/qapage,
 * .../faqpage). Our pages have one authoritative answer written by the site,
 * and no one can post another, so each is a FAQPage with one Question and its
 * acceptedAnswer. Google stopped showing FAQ rich results in May 2026 (same
 * page), so this is for meaning, not for a search snippet; the BreadcrumbList
 * (https://developers.google.com/search/docs/appearance/structured-data/breadcrumb)
 * still earns the breadcrumb trail in results.
 */

export interface QuestionLd {
  /** The page's canonical URL. */
  url: string;
  question: string;
  /** The short answer, shown on the page as the Short answer section. */
  answer: string;
  /** Anchor of the answer on the page, like `short-answer`. */
  answerAnchor: string;
  siteName: string;
  /** The home page's absolute URL. */
  siteUrl: string;
  modified?: Date;
}

/** A FAQPage holding one question and the site's answer to it. */
export function faqPageLd(q: QuestionLd): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    url: q.url,
    name: q.question,
    inLanguage: 'en',
    ...(q.modified && { dateModified: q.modified.toISOString() }),
    isPartOf: { '@type': 'WebSite', name: q.siteName, url: q.siteUrl },
    mainEntity: [
      {
        '@type': 'Question',
        name: q.question,
        acceptedAnswer: { '@type': 'Answer', text: q.answer, url: `${q.url}#${q.answerAnchor}` },
      },
    ],
  };
}

/** The breadcrumb trail; the last item, the page itself, needs no URL. */
export function breadcrumbLd(items: readonly { name: string; url?: string }[]): Record<string, unknown> {
  items.slice(0, -1).forEach((item, i) => {
    if (!item.url) throw new Error(`breadcrumbLd: item ${i + 1} ("${item.name}") needs a URL; only the last item may leave it out`);
  });
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((item, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: item.name,
      ...(item.url && { item: item.url }),
    })),
  };
}

/**
 * JSON for a `<script type="application/ld+json">` block. Every `<` becomes
 * `\u003c`, which JSON reads as the same character, so no text in a title or
 * answer can close the script element (`</script>`) or open a comment.
 */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}
