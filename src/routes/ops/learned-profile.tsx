// One reader's interest profile as an operator reads it: what Tidings has learned they like and dislike,
// by kind, in words (source titles, not feature keys), with the weight as of now, and how far the ranker
// follows it. The same summary the reader sees on their preferences page, so an operator answering
// "why did I get this?" sees what they see.
import type { ProfileSummary, LearnedItem } from '../../core/interest/profile-summary';
import { clickSettleMs } from '../../core/links/bots';
import { percent, Scroll } from './ops-layout';

const rows: Array<[label: string, pick: (s: ProfileSummary) => LearnedItem[]]> = [
  ['Topics', (s) => s.topics],
  ['Sources', (s) => s.sources],
  ['Authors', (s) => s.authors],
  ['Words', (s) => s.terms],
  ['Disliked', (s) => s.disliked],
];

export function LearnedProfile({ summary, halfLifeDays }: { summary: ProfileSummary | null; halfLifeDays: number }) {
  if (!summary || summary.signals === 0)
    return <p>Nothing learned yet: the learner has applied no delivery, click, vote or bookmark of this reader.</p>;
  if (summary.trust === 0)
    return (
      <p>
        {summary.signals} signals learned, all deliveries, so the ranker still goes by the topics the reader chose. A vote or a bookmark
        counts at once; a click about {Math.round(clickSettleMs() / 60_000)} minutes after it, once nothing can flag it as automated.
      </p>
    );
  const shown = rows.map(([label, pick]) => [label, pick(summary)] as const).filter(([, items]) => items.length > 0);
  return (
    <>
      <p>
        {summary.signals} signals learned. The ranker follows this profile {percent(summary.trust)} of the way; the rest is the topics the
        reader chose.
      </p>
      <p class="muted">Weights are as of now: each fades by half in {halfLifeDays} days unless the reader renews it.</p>
      {shown.length === 0 ? (
        <p>Everything learned has faded below what is worth showing.</p>
      ) : (
        <Scroll>
          <table id="profile">
            <tbody>
              {shown.map(([label, items]) => (
                <tr>
                  <th scope="row">{label}</th>
                  <td class="wrap">{items.map((i) => `${i.label} (${i.weight.toFixed(2)})`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </>
  );
}
