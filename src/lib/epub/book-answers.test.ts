import { describe, expect, it } from 'vitest';
import { answersFromBook, type BookPage } from './book-answers.ts';

const answer = (id: number, title = `Question ${id}?`) => `<article class="book-answer" id="q${id}">`
  + `<header><h2 id="q${id}-title" class="book-title">${title}</h2></header>`
  + `<div class="short-answer"><h3 id="q${id}-short-answer">Short answer</h3><p>Say   Q${id}.</p></div><div class="prose"></div></article>`;

const part = (difficulty: string, ...answers: string[]): BookPage => ({
  file: `book/${difficulty}/index.html`,
  html: `<!DOCTYPE html><html lang="en"><head><title>Book</title></head><body><main>${answers.join('')}</main></body></html>`,
});

describe('answersFromBook', () => {
  it('reads every part, in id order whatever the order of the pages, with each answer\'s band, title and short answer', () => {
    const answers = answersFromBook([part('hard', answer(70)), part('easy', answer(6), answer(2)), part('medium', answer(42))]);
    expect(answers.map((a) => [a.id, a.band.difficulty, a.title, a.summary])).toEqual([
      [2, 'easy', 'Question 2?', 'Say Q2.'],
      [6, 'easy', 'Question 6?', 'Say Q6.'],
      [42, 'medium', 'Question 42?', 'Say Q42.'],
      [70, 'hard', 'Question 70?', 'Say Q70.'],
    ]);
  });

  it('names the part that holds no answers', () => {
    expect(() => answersFromBook([part('easy', answer(6)), part('medium')]))
      .toThrow('book/medium/index.html has no <article class="book-answer" id="qN">; is src/pages/book/[difficulty].astro building it?');
  });

  it('names both parts when two hold the same answer', () => {
    expect(() => answersFromBook([part('easy', answer(6)), part('medium', answer(42), answer(6))]))
      .toThrow('the book holds Q6 twice: in book/easy/index.html and in book/medium/index.html');
  });

  it('names the part and the answer whose title is missing', () => {
    expect(() => answersFromBook([part('easy', answer(6).replace('class="book-title"', ''))]))
      .toThrow('book/easy/index.html: Q6 has 0 <h2 class="book-title">; expected one');
  });

  it('refuses to make a book of no pages', () => {
    expect(() => answersFromBook([])).toThrow('answersFromBook needs the pages of the book; it was given none');
  });
});
