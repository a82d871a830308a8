import { describe, expect, it } from 'vitest';
import { seedQuestions } from '../content/seed.ts';
import { CARD_HEIGHT, CARD_WIDTH, type CardElement, cardElement, titleSize } from './social-card.ts';

/** Every text node in the tree, in document order. */
function texts(node: CardElement | string): string[] {
  if (typeof node === 'string') return [node];
  const { children } = node.props;
  if (children === undefined) return [];
  return typeof children === 'string' ? [children] : children.flatMap(texts);
}

const q42 = { siteName: 'Backend Interview Handbook', title: 'How do you securely store passwords?', question: { id: 42, difficulty: 'medium' as const, label: 'Medium', topics: ['security', 'auth'] } };

describe('cardElement', () => {
  it('shows the number, difficulty, title, site name and topics of a question', () => {
    expect(texts(cardElement(q42))).toEqual(['Q42', 'Medium', 'How do you securely store passwords?', 'Backend Interview Handbook', 'security · auth']);
  });

  it('colours the badge by difficulty', () => {
    const badge = (difficulty: 'easy' | 'medium' | 'hard') => {
      const top = cardElement({ ...q42, question: { ...q42.question, difficulty } }).props.children![0] as CardElement;
      return (top.props.children![1] as CardElement).props.style.color;
    };
    expect(new Set([badge('easy'), badge('medium'), badge('hard')]).size).toBe(3);
  });

  it('has no number or badge on the default card', () => {
    const shown = texts(cardElement({ siteName: 'Site', title: 'All the questions' }));
    expect(shown).toContain('All the questions');
    expect(shown.some((t) => /^Q\d+$/.test(t))).toBe(false);
  });

  it('is exactly 1200×630 with padding inside the box', () => {
    const { style } = cardElement(q42).props;
    expect([style.width, style.height, style.boxSizing]).toEqual([CARD_WIDTH, CARD_HEIGHT, 'border-box']);
    expect([CARD_WIDTH, CARD_HEIGHT]).toEqual([1200, 630]);
  });
});

describe('titleSize', () => {
  it('shrinks as titles grow', () => {
    const sizes = [20, 60, 100, 140].map((n) => titleSize('x'.repeat(n)));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(new Set(sizes).size).toBe(4);
  });

  it('keeps every seed title within four lines of the text box', () => {
    // Inter's average glyph is about 0.55 em wide; the text box is 1056 px.
    for (const { id, question } of seedQuestions) {
      const size = titleSize(question);
      const lines = Math.ceil((question.length * size * 0.55) / 1056);
      expect(lines, `Q${id}`).toBeLessThanOrEqual(4);
    }
  });
});
