/** What the machine's tests share: an action in short, and a run of events on a fake clock. */
import {
  type Action,
  type Clock,
  type Event,
  type State,
  step,
} from "../../lib/supervise/machine.ts";

/** An action in short: `announce u`, `signal 15`, `armStart @1000`, `giveUp 3 null`, `spawn`. */
export function action(a: Action): string {
  switch (a.type) {
    case "announce":
    case "event":
      return `${a.type} ${a.event}`;
    case "signal":
      return `signal ${a.sig}`;
    case "armStart":
    case "armKill":
    case "armCheck":
      return `${a.type} @${a.at}`;
    case "giveUp":
      return `giveUp ${a.code} ${a.signal}`;
    default:
      return a.type;
  }
}

/**
 * Steps `events` in turn, each at its monotonic time on clock `t`: the state
 * after, and a line per event, `TIME EVENT: ACTIONS` (`svc -x` for a command).
 */
export function steps(
  s: State,
  events: [number, Event][],
  t: Clock,
): { state: State; log: string[] } {
  const log: string[] = [];
  for (const [mono, e] of events) {
    const r = step(s, e, { ...t, mono });
    s = r.state;
    const what = e.type === "command" ? `svc -${e.ch}` : e.type;
    log.push(`${mono} ${what}: ${r.actions.map(action).join("; ")}`);
  }
  return { state: s, log };
}
