import { assertEquals } from "../helpers/assert.ts";
import { recogniseLogRun } from "../../lib/logger/recognise.ts";

Deno.test("recognise: the canonical forms", () => {
  assertEquals(recogniseLogRun("#!/bin/sh\nexec multilog t ./main\n"), {
    programs: ["multilog"],
    account: null,
    script: ["t", "./main"],
  });
  assertEquals(
    recogniseLogRun(
      "#!/bin/bash\n# logger\n\nexec 2>&1\nexec setuidgid log multilog t s999999 n5 ./main\n",
    ),
    {
      programs: ["setuidgid", "multilog"],
      account: "log",
      script: ["t", "s999999", "n5", "./main"],
    },
  );
  assertEquals(
    recogniseLogRun(
      "#!/usr/bin/env sh\nexec dt setuidgid nobody dt multilog '-*debug*' t /var/log/x\n",
    ),
    { programs: ["dt", "dt"], account: "nobody", script: ["-*debug*", "t", "/var/log/x"] },
  );
});

Deno.test("recognise: near misses run as a process", () => {
  const misses = [
    "exec multilog t ./main\n", // no shebang
    "#!/bin/zsh\nexec multilog t ./main\n",
    "#!/bin/sh\nmultilog t ./main\n", // no exec
    "#!/bin/sh\nexec multilog t ./main\necho after\n",
    "#!/bin/sh\necho hi\nexec multilog t ./main\n",
    '#!/bin/sh\nexec multilog t "./main dir"\n',
    "#!/bin/sh\nexec multilog t $LOGDIR\n",
    "#!/bin/sh\nexec multilog t ./main > /dev/null\n",
    "#!/bin/sh\nexec multilog t ! gzip ./main\n",
    "#!/bin/sh\nexec multilog\n",
    "#!/bin/sh\nexec setuidgid multilog t ./main\n".replace("setuidgid multilog", "setuidgid"),
    "#!/bin/sh\nexec envdir ./env multilog t ./main\n",
    "#!/bin/sh\nexec softlimit -m 1000 multilog t ./main\n",
    "#!/bin/sh\nexec multilog t ./main; true\n",
    "#!/bin/sh\nexec 2>/dev/null\nexec multilog t ./main\n",
    "#!/bin/sh\nexec multilog t ./m?\n",
    "#!/bin/sh\nexec multilog -*debug* t ./main\n", // unquoted glob
    "#!/bin/sh\nexec multilog 'it''s' ./main\n",
  ];
  for (const m of misses) assertEquals(recogniseLogRun(m), null, JSON.stringify(m));
});
