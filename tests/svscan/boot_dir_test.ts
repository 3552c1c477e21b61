/**
 * svscanboot with no argument on a Debian-family system: services in
 * /etc/service and no /service. Debian's svscanboot scans /etc/service; dt's
 * takes /service where it exists, else /etc/service. Run in a mount and PID
 * namespace, with /etc/service bound to a scratch directory.
 */
import { assertEquals } from "../helpers/assert.ts";
import { defaultDir } from "../../lib/cmd/svscanboot.ts";
import { LAUNCHER, needDaemontools, REF, run, withSandbox } from "../helpers/mod.ts";

Deno.test("svscanboot: the default directory is /service, else /etc/service", () => {
  assertEquals(defaultDir((p) => p === "/service" || p === "/etc/service"), "/service");
  assertEquals(defaultDir((p) => p === "/etc/service"), "/etc/service");
  assertEquals(defaultDir(() => false), "/service");
});

/** In the namespaces: /etc/service = $1 (through an overlay on /etc), run "$@", wait for the service. */
const BOOT = `
set -e
s=$1; w=$2; shift 2
mkdir -p "$w/upper" "$w/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$w/upper,workdir=$w/work" /etc
mkdir -p /etc/service
mount --bind "$s" /etc/service
set +e
"$@" </dev/null >/dev/null 2>&1 & p=$!
for i in $(seq 600); do [ -s "$s/hello/started" ] && break; sleep 0.025; done
if [ -s "$s/hello/started" ]; then echo started; else echo "not started"; fi
kill -TERM $p
`;

/** This test needs a machine without /service. */
const HAS_SERVICE = (() => {
  try {
    Deno.statSync("/service");
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "svscanboot: with /etc/service and no /service it starts the services, as Debian's" +
    (HAS_SERVICE ? " (ignored: this machine has a /service)" : ""),
  ignore: HAS_SERVICE,
  fn: async () => {
    needDaemontools();
    const seen: string[] = [];
    for (const boot of [[`${REF}/svscanboot`], [LAUNCHER, "svscanboot"]]) {
      await withSandbox(async (sb) => {
        sb.service("services/hello", "echo $$ > started\nexec sleep 1000");
        Deno.mkdirSync(sb.path("overlay"));
        const r = await run("unshare", [
          "--mount",
          "--pid",
          "--fork",
          "--mount-proc",
          "bash",
          "-c",
          BOOT,
          "bash",
          sb.path("services"),
          sb.path("overlay"),
          ...boot,
        ]);
        assertEquals(r.stderr, "");
        seen.push(r.stdout);
      });
    }
    assertEquals(seen, ["started\n", "started\n"]);
  },
});
