/**
 * The mirror of a tree that cannot hold its state (lib/svscan/mirror.ts) and
 * the runtime directory it lives in (lib/svscan/runtime_dir.ts): what is a
 * link to the image, what is the runtime's own, what a later sync changes
 * and what it never touches, and which directories are never used.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
import { adminDirectory, logStateNames, TreeMirror } from "../../lib/svscan/mirror.ts";
import {
  chooseRuntimeDir,
  runtimeCandidates,
  RuntimeDirError,
  unusable,
} from "../../lib/svscan/runtime_dir.ts";

const link = (p: string) => {
  try {
    return Deno.readLinkSync(p);
  } catch {
    return null;
  }
};
const names = (p: string) => [...Deno.readDirSync(p)].map((e) => e.name).sort();

Deno.test("mirror: links to the image's files; supervise/, log/main and the logger's relative files are the runtime's", async () => {
  await withSandbox((sb) => {
    sb.write("svc/web/run", "#!/bin/sh\nexec sleep 1\n", true);
    sb.write("svc/web/finish", "#!/bin/sh\n", true);
    sb.write("svc/web/env/PORT", "80\n");
    Deno.mkdirSync(sb.path("svc/web/supervise")); // the image's: never the mirror's
    sb.write(
      "svc/web/log/run",
      "#!/bin/sh\nexec multilog t ./main ./debug/x =status /var/log/web\n",
      true,
    );
    Deno.mkdirSync(sb.path("svc/web/log/main"));
    sb.write("svc/web/log/env/X", "1\n");
    sb.write("svc/web/log/status", "");
    sb.write("svc/web/log/README", "");
    sb.write("svc/.hidden/run", "", true);
    const tree = sb.path("svc");
    const rt = sb.path("rt");
    Deno.mkdirSync(rt, { mode: 0o700 });
    const said: string[] = [];
    const m = TreeMirror.open(tree, rt, (l) => said.push(l));
    m.sync();
    const web = `${rt}${tree}/web`;
    assertEquals(m.dir, `${rt}${tree}`);
    assertEquals(m.source, tree);
    assertEquals(names(`${rt}${tree}`), ["web"]);
    assertEquals(names(web), ["env", "finish", "log", "run"]);
    assertEquals(link(`${web}/run`), `${tree}/web/run`);
    assertEquals(link(`${web}/env`), `${tree}/web/env`);
    assertEquals(link(`${web}/log`), null, "log/ is a directory of the mirror's");
    assertEquals(names(`${web}/log`), ["README", "env", "run"]);
    assertEquals(link(`${web}/log/run`), `${tree}/web/log/run`);
    assertEquals(said, []);

    // what a scanner made is left alone; the image's changes are followed
    Deno.mkdirSync(`${web}/supervise`);
    Deno.mkdirSync(`${web}/log/main`);
    Deno.writeTextFileSync(`${web}/log/main/current`, "kept\n");
    Deno.removeSync(sb.path("svc/web/finish"));
    sb.write("svc/web/down", "");
    sb.write("svc/db/run", "#!/bin/sh\n", true);
    Deno.symlinkSync(sb.path("svc/web"), sb.path("svc/alias")); // the admin's link: followed
    m.sync();
    assertEquals(names(web), ["down", "env", "log", "run", "supervise"]);
    assertEquals(Deno.readTextFileSync(`${web}/log/main/current`), "kept\n");
    assertEquals(names(`${rt}${tree}`), ["alias", "db", "web"]);
    assertEquals(link(`${rt}${tree}/alias/run`), `${tree}/alias/run`);

    // a service gone from the image leaves the scan, its state kept under a dot name
    const ino = Deno.statSync(`${rt}${tree}/db`).ino;
    Deno.removeSync(sb.path("svc/db"), { recursive: true });
    m.sync();
    assertEquals(names(`${rt}${tree}`), [`.db.${ino}`, "alias", "web"]);

    // a link in a directory another account may write is not followed (said once)
    Deno.chmodSync(sb.path("svc/web"), 0o777);
    Deno.symlinkSync("/etc/passwd", sb.path("svc/web/evil"));
    m.sync();
    m.sync();
    assertEquals(link(`${web}/evil`), null);
    // once each (web, and alias which is web under another name), not once per sync
    assertEquals(said.length, 2, said.join("\n"));
    assertStringIncludes(
      said.join("\n"),
      `${tree}/web/evil: a symbolic link in a directory another`,
    );
    m.close();
    return Promise.resolve();
  });
});

Deno.test("mirror: a directory of the runtime that is not this account's alone is refused", async () => {
  await withSandbox((sb) => {
    sb.write("svc/web/run", "", true);
    const rt = sb.path("rt");
    Deno.mkdirSync(`${rt}${sb.path("svc")}`, { recursive: true });
    Deno.chownSync(`${rt}${sb.dir}`, 4242, 4242); // a step another account made
    assertThrows(() => TreeMirror.open(sb.path("svc"), rt, () => {}), RuntimeDirError);
    return Promise.resolve();
  });
});

Deno.test("mirror: logStateNames, adminDirectory (pure)", () => {
  assertEquals(logStateNames(null), ["supervise", "main"]);
  assertEquals(logStateNames("#!/bin/sh\nexec s6-log t ./other\n"), ["supervise", "main"]);
  assertEquals(
    logStateNames("#!/bin/sh\nexec multilog t ./main =./st ../up ./a/b /abs\n"),
    ["supervise", "main", "a", "st"],
  );
  assert(adminDirectory({ uid: 0, mode: 0o755 }, 12345));
  assert(adminDirectory({ uid: 12345, mode: 0o700 }, 12345));
  assert(!adminDirectory({ uid: 4242, mode: 0o755 }, 12345));
  assert(!adminDirectory({ uid: 0, mode: 0o775 }, 12345));
});

Deno.test("runtime directory: DT_RUNTIME_DIR, /run/dt, $XDG_RUNTIME_DIR/dt, /tmp/dt-UID", () => {
  const paths = (env: Record<string, string>) =>
    runtimeCandidates(env, 12345).map((c) => `${c.path}${c.explicit ? "!" : ""}`);
  assertEquals(paths({}), ["/run/dt", "/tmp/dt-12345"]);
  assertEquals(paths({ XDG_RUNTIME_DIR: "/run/user/12345/" }), [
    "/run/dt",
    "/run/user/12345/dt",
    "/tmp/dt-12345",
  ]);
  assertEquals(paths({ XDG_RUNTIME_DIR: "relative" }), ["/run/dt", "/tmp/dt-12345"]);
  assertEquals(paths({ DT_RUNTIME_DIR: "/srv/rt/", XDG_RUNTIME_DIR: "/x" }), ["/srv/rt!"]);
  assertEquals(paths({ DT_RUNTIME_DIR: "" }), ["/run/dt", "/tmp/dt-12345"]);
});

Deno.test("runtime directory: made 0700 when missing; a link, a file, another's, a shared one refused", async () => {
  await withSandbox((sb) => {
    const made = sb.path("made");
    assertEquals(unusable(made, 0), null);
    assertEquals(Deno.statSync(made).mode! & 0o777, 0o700);
    Deno.symlinkSync(made, sb.path("link"));
    assertEquals(unusable(sb.path("link"), 0), "a symbolic link");
    sb.write("file", "");
    assertEquals(unusable(sb.path("file"), 0), "not a directory");
    Deno.mkdirSync(sb.path("theirs"));
    Deno.chownSync(sb.path("theirs"), 4242, 4242);
    assertEquals(unusable(sb.path("theirs"), 0), "owned by uid 4242, not 0");
    Deno.mkdirSync(sb.path("shared"));
    Deno.chmodSync(sb.path("shared"), 0o1777);
    assertEquals(unusable(sb.path("shared"), 0), "writable by group or others");
    assertEquals(unusable(sb.path("none/deeper"), 0), "file does not exist");
    const e = assertThrows(
      () => chooseRuntimeDir({ DT_RUNTIME_DIR: sb.path("theirs") }, 0),
      RuntimeDirError,
    );
    assertEquals(
      e.message,
      `unable to use DT_RUNTIME_DIR ${sb.path("theirs")}: owned by uid 4242, not 0`,
    );
    assertEquals(chooseRuntimeDir({ DT_RUNTIME_DIR: made }, 0), made);
    return Promise.resolve();
  });
});
