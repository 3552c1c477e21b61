/**
 * The accounts the tests switch to, made when a test module first needs one
 * and removed when the last module that holds it is done.
 *
 * Several test files (and several `deno test` processes at once, on a shared
 * machine) use the same account, so each holder is counted: a file in
 * `/tmp/dt-test-accounts/NAME/` per holder (the process id and a token), under
 * an flock. A module holds the account from its load to its `unload` event
 * (`deno test` sends one as each file ends); the last holder to let go removes
 * the account, and a holder whose process is gone (a run killed) counts for
 * nothing. An account found already there without having been made here (by
 * an older checkout, by hand) is used and left: it is not this registry's to
 * remove.
 *
 * @module
 */
import { lockFile } from "../../lib/sys/lock.ts";
import { close } from "../../lib/sys/fd.ts";

/** Where the holders are counted. */
export const REGISTRY = "/tmp/dt-test-accounts";

/** A test account: its name, uid and gid. */
export interface TestAccount {
  name: string;
  uid: number;
  gid: number;
}

const dec = new TextDecoder();

function cmd(argv: string[]): { ok: boolean; out: string; err: string } {
  const r = new Deno.Command(argv[0], { args: argv.slice(1), stdout: "piped", stderr: "piped" })
    .outputSync();
  return { ok: r.success, out: dec.decode(r.stdout).trim(), err: dec.decode(r.stderr).trim() };
}

function exists(name: string): boolean {
  return cmd(["id", "-u", name]).ok;
}

function groupExists(name: string): boolean {
  return cmd(["getent", "group", name]).ok;
}

function inGroup(name: string, group: string): boolean {
  return cmd(["id", "-Gn", name]).out.split(" ").includes(group);
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Runs `step` holding the registry's lock for `name`. */
function locked<T>(name: string, step: (dir: string) => T): T {
  const dir = `${REGISTRY}/${name}`;
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = lockFile(`${REGISTRY}/${name}.lock`, { wait: true });
  try {
    return step(dir);
  } finally {
    close(fd);
  }
}

/** The holders of `name` whose process still runs (the others' files are removed). */
function holders(dir: string): string[] {
  const live: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const m = /^holder\.(\d+)\./.exec(e.name);
    if (m === null) continue;
    if (alive(Number(m[1]))) live.push(e.name);
    else Deno.removeSync(`${dir}/${e.name}`);
  }
  return live;
}

/** What {@link holdAccount} needs to let go of an account. */
export interface Hold {
  readonly account: TestAccount;
  /** Lets go; the last holder removes the account (if it was made here). Returns what it did. */
  release(): "kept" | "removed" | "left";
}

/**
 * Takes a hold on the account `name` (made with useradd when missing: no
 * home, no login shell, its own group, and `extraGroup` as a supplementary
 * group when given).
 */
export function holdAccount(name: string, extraGroup?: string): Hold {
  const token = `holder.${Deno.pid}.${crypto.randomUUID()}`;
  const account = locked(name, (dir) => {
    if (!exists(name)) {
      if (extraGroup !== undefined && !groupExists(extraGroup)) {
        const g = cmd(["groupadd", extraGroup]);
        if (!g.ok) throw new Error(`groupadd ${extraGroup}: ${g.err}`);
        Deno.writeTextFileSync(`${dir}/made-group`, extraGroup);
      }
      const args = ["useradd", "-M", "-U", "-s", "/usr/sbin/nologin"];
      if (extraGroup !== undefined) args.push("-G", extraGroup);
      const u = cmd([...args, name]);
      if (!u.ok) throw new Error(`useradd ${name}: ${u.err}`);
      Deno.writeTextFileSync(`${dir}/made`, "");
    }
    if (extraGroup !== undefined && !inGroup(name, extraGroup)) {
      // an account found without its group (made by an older checkout): given it
      if (!groupExists(extraGroup)) cmd(["groupadd", extraGroup]);
      cmd(["usermod", "-a", "-G", extraGroup, name]);
      if (!inGroup(name, extraGroup)) throw new Error(`could not put ${name} in ${extraGroup}`);
    }
    Deno.writeTextFileSync(`${dir}/${token}`, "");
    const num = (flag: string) => Number(cmd(["id", flag, name]).out);
    return { name, uid: num("-u"), gid: num("-g") };
  });
  let held = true;
  return {
    account,
    release() {
      if (!held) return "kept";
      held = false;
      return locked(name, (dir) => {
        try {
          Deno.removeSync(`${dir}/${token}`);
        } catch { /* pruned already as a dead holder's: nothing left to undo */ }
        if (holders(dir).length > 0) return "kept";
        let made = false;
        try {
          Deno.removeSync(`${dir}/made`);
          made = true;
        } catch { /* not made here: left as found */ }
        if (!made) return "left";
        const u = cmd(["userdel", name]);
        if (!u.ok) throw new Error(`userdel ${name}: ${u.err}`);
        try {
          const group = Deno.readTextFileSync(`${dir}/made-group`);
          Deno.removeSync(`${dir}/made-group`);
          const g = cmd(["groupdel", group]);
          if (!g.ok) throw new Error(`groupdel ${group}: ${g.err}`);
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
        return "removed";
      });
    },
  };
}

/**
 * The account `name` for the tests of the calling module: held from now until
 * the module's `unload` event (the end of its file under `deno test`).
 */
export function testAccount(name: string, extraGroup?: string): TestAccount {
  const hold = holdAccount(name, extraGroup);
  addEventListener("unload", () => {
    try {
      hold.release();
    } catch (e) {
      console.error(`test account ${name} not removed: ${e instanceof Error ? e.message : e}`);
    }
  });
  return hold.account;
}
