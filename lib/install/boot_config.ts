/**
 * Boot integration text: a systemd unit and an inittab line that run
 * `dt svscanboot` (as daemontools' own install does with svscanboot).
 *
 * @module
 */

/** A systemd unit running `EXE svscanboot DIR`. TERM stops every service in order. */
export function systemdUnit(exe: string, dir = "/service"): string {
  return `[Unit]
Description=dt: daemontools-style supervision of ${dir}
After=local-fs.target

[Service]
ExecStart=${exe} svscanboot ${dir}
Restart=always
# TERM to dt stops every service (svc -d), loggers last, then KILLs leftovers
# after DT_KILL_GRACE seconds (default 8): let it finish before systemd kills.
KillMode=mixed
TimeoutStopSec=20

[Install]
WantedBy=multi-user.target
`;
}

/** The inittab line daemontools installs, pointing at dt. */
export function inittabLine(exe: string, dir = "/service"): string {
  return `SV:123456:respawn:${exe} svscanboot${dir === "/service" ? "" : ` ${dir}`}\n`;
}
