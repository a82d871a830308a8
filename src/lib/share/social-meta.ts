/**
 * The Open Graph (https://ogp.me/) and Twitter card tags of a page, as
 * `[attribute, key, content]` rows for SocialMeta.astro to print. Open Graph
 * keys go in `property`, Twitter keys in `name`, as each spec asks.
 */

export interface ShareImage {
  /** Absolute URL: crawlers do not resolve relative ones. */
  url: string;
  alt: string;
  width: number;
  height: number;
}

export interface SocialPage {
  title: string;
  description: string;
  /** The canonical URL, also `og:url`. */
  url: string;
  siteName: string;
  image: ShareImage;
  /** Question pages are articles; everything else is the website. */
  type: 'article' | 'website';
  /** When an article last changed (its last git commit), if known. */
  modified?: Date;
}

/** What a question page tells SocialMeta.astro about itself. */
export interface QuestionShare {
  id: number;
  title: string;
  summary: string;
  /** The difficulty's label, like `Medium`. */
  difficulty: string;
  modified?: Date;
  /** The page's breadcrumb trail, with site-relative links. */
  breadcrumb: readonly { label: string; href?: string }[];
}

/** The headline of the default card, shown for every page but answers. */
export const DEFAULT_CARD_TITLE = 'Backend engineering interview questions, answered with tested code';

/** Alt text of a share card: what the image says, in one line. */
export function socialImageAlt(siteName: string, question?: Pick<QuestionShare, 'id' | 'title' | 'difficulty'>): string {
  return question ? `Q${question.id}, ${question.difficulty.toLowerCase()}: ${question.title} (${siteName})` : `${siteName}: ${DEFAULT_CARD_TITLE.toLowerCase()}`;
}

export type MetaRow = readonly ['property' | 'name', string, string];

/** The share card of an answered question, site-relative. */
export function socialImagePath(id?: number): string {
  return id === undefined ? 'og/default.png' : `og/${id}.png`;
}

export function socialMeta(page: SocialPage): MetaRow[] {
  for (const [field, value] of [['url', page.url], ['image.url', page.image.url]] as const) {
    if (!/^https?:\/\//.test(value)) throw new Error(`socialMeta: ${field} must be an absolute http(s) URL, got "${value}"`);
  }
  const rows: MetaRow[] = [
    ['property', 'og:type', page.type],
    ['property', 'og:title', page.title],
    ['property', 'og:description', page.description],
    ['property', 'og:url', page.url],
    ['property', 'og:site_name', page.siteName],
    ['property', 'og:locale', 'en_US'],
    ['property', 'og:image', page.image.url],
    ['property', 'og:image:type', 'image/png'],
    ['property', 'og:image:width', String(page.image.width)],
    ['property', 'og:image:height', String(page.image.height)],
    ['property', 'og:image:alt', page.image.alt],
  ];
  if (page.type === 'article' && page.modified) rows.push(['property', 'article:modified_time', page.modified.toISOString()]);
  rows.push(
    ['name', 'twitter:card', 'summary_large_image'],
    ['name', 'twitter:title', page.title],
    ['name', 'twitter:description', page.description],
    ['name', 'twitter:image', page.image.url],
    ['name', 'twitter:image:alt', page.image.alt],
  );
  return rows;
}
