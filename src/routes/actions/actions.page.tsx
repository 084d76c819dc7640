// The pages of reader actions: one button that does it (a plain form POST), and the result with undo.
import type { ActionKind } from '../../store/reader-actions';
import { Layout } from '../layout';

interface Wording {
  title: string;
  /** The heading when the link's action is already in effect (the reader opens it again). */
  already: string;
  button: string;
  done: string;
  undone: string;
  undo: string;
}

const wording: Record<ActionKind, Wording> = {
  vote_up: {
    title: 'More stories like this?',
    already: 'You asked for more stories like this',
    button: 'Yes, more like this',
    done: 'Thanks: your briefings will lean towards stories like this.',
    undone: 'Your vote was withdrawn.',
    undo: 'Withdraw my vote',
  },
  vote_down: {
    title: 'Fewer stories like this?',
    already: 'You asked for fewer stories like this',
    button: 'Yes, fewer like this',
    done: 'Thanks: your briefings will show fewer stories like this.',
    undone: 'Your vote was withdrawn.',
    undo: 'Withdraw my vote',
  },
  bookmark: {
    title: 'Save this story for later?',
    already: 'Saved for later',
    button: 'Save it',
    done: 'Saved. You will find it among your bookmarks.',
    undone: 'Removed from your bookmarks.',
    undo: 'Remove the bookmark',
  },
  unsubscribe: {
    title: 'Unsubscribe from Tidings?',
    already: 'You are unsubscribed',
    button: 'Unsubscribe',
    done: 'You are unsubscribed: no more briefings will be sent to you.',
    undone: 'You are subscribed again; briefings resume with the next edition.',
    undo: 'Subscribe again',
  },
};

interface ActionPageProps {
  kind: ActionKind;
  /** The form's own address (the /a/ link itself). */
  action: string;
  /** The article the link is about, if any, shown so the reader knows what they act on. */
  subject: string | null;
  active: boolean;
}

/** GET: say what the button will do, and show it. Changes nothing. */
export function ActionPromptPage({ kind, action, subject, active }: ActionPageProps) {
  const words = wording[kind];
  const title = active ? words.already : words.title;
  return (
    <Layout title={title}>
      <div class="card">
        <h1>{title}</h1>
        {subject ? <p class="muted">{subject}</p> : null}
        {active ? (
          <>
            <p>{words.done}</p>
            <ActionForm action={action} verb="undo" label={words.undo} />
          </>
        ) : (
          <ActionForm action={action} verb="apply" label={words.button} />
        )}
      </div>
    </Layout>
  );
}

/** After the POST: what happened, and a button to undo it (or to do it again after an undo). */
export function ActionResultPage({ kind, action, subject, active }: ActionPageProps) {
  const words = wording[kind];
  return (
    <Layout title={active ? 'Done' : 'Undone'}>
      <div class="card">
        <h1>{active ? 'Done' : 'Undone'}</h1>
        {subject ? <p class="muted">{subject}</p> : null}
        <p>{active ? words.done : words.undone}</p>
        {active ? (
          <ActionForm action={action} verb="undo" label={words.undo} />
        ) : (
          <ActionForm action={action} verb="apply" label={words.button} />
        )}
      </div>
    </Layout>
  );
}

function ActionForm(props: { action: string; verb: 'apply' | 'undo'; label: string }) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="do" value={props.verb} />
      <button type="submit">{props.label}</button>
    </form>
  );
}
