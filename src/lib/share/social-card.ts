import type { Difficulty } from '../content/difficulty.ts';

/**
 * The layout of a share card (the Open Graph image), as the plain element
 * tree satori takes: `{ type, props: { style, children } }`, no JSX. Pure, so
 * the wording and sizing are tested without rendering.
 */

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

/** What a card shows: a question's card has a number, the default card not. */
export interface CardContent {
  siteName: string;
  title: string;
  question?: { id: number; difficulty: Difficulty; label: string; topics: readonly string[] };
}

/** A satori element; children are elements or text. */
export interface CardElement {
  type: string;
  props: { style: Record<string, string | number>; children?: (CardElement | string)[] | string };
}

// The site's dark palette (src/styles/global.css), so the card matches the
// dark theme; a card is one image, it cannot follow the reader's theme.
const PALETTE = {
  bg: '#0f1318',
  fg: '#e3e8ee',
  muted: '#a1abb6',
  accent: '#7cb8ff',
  border: '#343c46',
  easy: { fg: '#6fdd8b', bg: '#10291a' },
  medium: { fg: '#f0c05a', bg: '#2e2410' },
  hard: { fg: '#ff9a9a', bg: '#36161a' },
} as const;

/**
 * Font size for the title: long titles shrink so that every seed title fits
 * in four lines of the 1056 px text box.
 */
export function titleSize(title: string): number {
  if (title.length <= 50) return 68;
  if (title.length <= 90) return 58;
  if (title.length <= 130) return 48;
  return 40;
}

function el(type: string, style: CardElement['props']['style'], children?: CardElement['props']['children']): CardElement {
  return { type, props: children === undefined ? { style } : { style, children } };
}

/** The card's element tree, ready for satori. */
export function cardElement(content: CardContent): CardElement {
  const { question } = content;
  const top = question
    ? el('div', { display: 'flex', alignItems: 'center', gap: 24 }, [
        el('div', { fontSize: 44, fontWeight: 800, color: PALETTE.accent }, `Q${question.id}`),
        el(
          'div',
          {
            fontSize: 30,
            fontWeight: 700,
            color: PALETTE[question.difficulty].fg,
            backgroundColor: PALETTE[question.difficulty].bg,
            border: `2px solid ${PALETTE[question.difficulty].fg}`,
            borderRadius: 999,
            padding: '6px 24px',
          },
          question.label,
        ),
      ])
    : el('div', { fontSize: 34, fontWeight: 700, color: PALETTE.accent }, '100 questions · easy to hard');
  const bottom = el('div', { display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end', gap: 32, borderTop: `2px solid ${PALETTE.border}`, paddingTop: 28 }, [
    el('div', { fontSize: 32, fontWeight: 700, color: PALETTE.fg }, content.siteName),
    el('div', { fontSize: 28, color: PALETTE.muted }, question ? question.topics.join(' · ') : 'tested TypeScript, cited sources'),
  ]);
  return el(
    'div',
    {
      width: CARD_WIDTH,
      height: CARD_HEIGHT,
      boxSizing: 'border-box',
      display: 'flex',
      flexDirection: 'column',
      justifyContent: 'space-between',
      padding: '64px 72px 56px',
      backgroundColor: PALETTE.bg,
      fontFamily: 'Inter',
    },
    [
      top,
      el('div', { display: 'flex', fontSize: titleSize(content.title), fontWeight: 800, lineHeight: 1.15, color: PALETTE.fg, letterSpacing: '-0.01em' }, content.title),
      bottom,
    ],
  );
}
