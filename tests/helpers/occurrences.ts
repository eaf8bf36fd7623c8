/**
 * Which of the needles occur in the text. Slides a window of each needle length over the text once, so checking a
 * document for the demo district's thousands of reporter names and phone numbers stays fast.
 */
export function occurrences(text: string, needles: Iterable<string>): string[] {
  const wanted = new Set([...needles].filter(Boolean));
  const found = new Set<string>();
  for (const length of new Set([...wanted].map((w) => w.length))) {
    for (let i = 0; i + length <= text.length; i++) {
      const piece = text.slice(i, i + length);
      if (wanted.has(piece)) found.add(piece);
    }
  }
  return [...found];
}
