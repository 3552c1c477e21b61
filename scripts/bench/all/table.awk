# Prints the speed table from `SUITE KEY VALUE` lines (scripts/bench/all.sh):
# dt, daemontools, s6, dt's ratio to each, the goal and whether it is met.
{ v[$1, $2] = $3 }
function f(k, s, unit,   x) {
  if (!((s, k) in v)) return "—"
  x = v[s, k]
  if (unit == "s") return sprintf("%.2f s", x / 1000)
  if (unit == "ms") return sprintf("%.2f ms", x)
  if (unit == "MiB") return sprintf("%.1f MiB", x / 1024)
  if (unit == "MB/s") return sprintf("%d MB/s", x)
  return x
}
function ratio(k, s) {
  if (!((s, k) in v) || !(("dt", k) in v) || v[s, k] == 0) return "—"
  return sprintf("%.2f×", v["dt", k] / v[s, k])
}
function line(label, k, unit, goal, met) {
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, f(k, "daemontools", unit), f(k, "s6", unit),
    f(k, "dt", unit), ratio(k, "daemontools"), ratio(k, "s6"), goal,
    !(("dt", k) in v) ? "not measured" : met ? "met" : "**not met**"
}
function idle(s) {
  if (!((s, "idle_wakeups") in v)) return "—"
  return v[s, "idle_wakeups"] " / " v[s, "idle_cpu_ms"] " ms"
}
END {
  dt = "dt"; d = "daemontools"; e = v["deno", "empty_ms"]
  printf "\n| measure | daemontools | s6 | dt | dt/daemontools | dt/s6 | goal | |\n|---|---|---|---|---|---|---|---|\n"
  line(N " service dirs moved into a running scan dir → first up", "moved_first_ms", "s", "≤ 0.2 s", v[dt, "moved_first_ms"] <= 200)
  line("… → all " N " up", "moved_all_ms", "s", "< 2 s", v[dt, "moved_all_ms"] < 2000)
  line("scanner started over " N " dirs → all up", "start_all_ms", "s", "≤ 1 s", v[dt, "start_all_ms"] <= 1000)
  printf "| scanner idle, %d services, %d s: wakeups / CPU | %s | %s | %s | | | ≤ %s | %s |\n", N, IDLE,
    idle(d), idle("s6"), idle(dt), idle(d),
    (v[dt, "idle_wakeups"] <= v[d, "idle_wakeups"] && v[dt, "idle_cpu_ms"] <= v[d, "idle_cpu_ms"]) ? "met" : "**not met**"
  line("PSS, scanner + " N " supervisors", "pss_kib", "MiB", "≤ 40 MiB", v[dt, "pss_kib"] <= 40960)
  g = 1.3 * e
  line("`svstat DIR` wall (`deno run` of an empty file: " sprintf("%.1f", e) " ms)", "svstat_ms", "ms", sprintf("≤ %.1f ms (1.3× empty)", g), v[dt, "svstat_ms"] <= g)
  line("`svok DIR` wall", "svok_ms", "ms", sprintf("≤ %.1f ms", g), v[dt, "svok_ms"] <= g)
  line("`tai64n </dev/null` wall", "tai64n_ms", "ms", sprintf("≤ %.1f ms", g), v[dt, "tai64n_ms"] <= g)
  line("`softlimit -m 1e8 true` wall", "softlimit_ms", "ms", sprintf("≤ %.1f ms", g), v[dt, "softlimit_ms"] <= g)
  line("`envdir DIR true` wall", "envdir_ms", "ms", sprintf("≤ %.1f ms", g), v[dt, "envdir_ms"] <= g)
  g2 = 1.3 * (e + v[d, "svc_t_ms"])
  line("`svc -t` → new pid in status", "svc_t_ms", "ms", sprintf("≤ %.1f ms", g2), v[dt, "svc_t_ms"] <= g2)
  line("kill -9 of a service → new pid in status", "restart_ms", "ms", "≤ daemontools", v[dt, "restart_ms"] <= v[d, "restart_ms"])
  line("logger, " LINES " × 100 B lines, throughput", "logger_mbps", "MB/s", "≥ 2.5× s6-log", v[dt, "logger_mbps"] >= 2.5 * v["s6", "logger_mbps"])
  line("logger peak RSS", "logger_rss_kib", "MiB", "≤ 40 MiB", v[dt, "logger_rss_kib"] <= 40960)
  if (("dt", "logload_first_ms") in v) load()
  if (!(("onefile", "size_kib") in v)) exit
  o = "onefile"; b = "bundle"
  printf "\n| the one file beside the bundle | bundle (`dist/dt`) | one file (`dist/dt-linux-*`) | goal | |\n|---|---|---|---|---|\n"
  printf "| size | %.1f MiB (+ Deno, installed: %.1f MiB) | %.1f MiB (unpacked: %.1f MiB more) | | |\n",
    v[b, "size_kib"] / 1024, v["deno", "size_kib"] / 1024, v[o, "size_kib"] / 1024, v[o, "unpacked_kib"] / 1024
  printf "| first start: unpack, then `svstat DIR` | — | %.0f ms | < 1.5 s | %s |\n",
    v[o, "first_ms"], v[o, "first_ms"] < 1500 ? "met" : "**not met**"
  printf "| later start: `svstat DIR` wall | %.2f ms | %.2f ms (%+.2f ms, the median pair) | within 2 ms | %s |\n",
    v[b, "svstat_ms"], v[o, "svstat_ms"], v[o, "later_minus_bundle_ms"],
    v[o, "later_minus_bundle_ms"] <= 2 ? "met" : "**not met**"
}

# the steady log load (logload.sh): dt beside daemontools, with the goals of issue 26
function lrow(label, k, unit, goal, met,   d, t) {
  d = (("daemontools", k) in v) ? v["daemontools", k] : ""
  t = (("dt", k) in v) ? v["dt", k] : ""
  printf "| %s | %s | %s | %s | %s | %s |\n", label, lfmt(d, unit), lfmt(t, unit),
    (d != "" && t != "" && d != 0 && unit != "") ? sprintf("%.2f×", t / d) : "—", goal,
    goal == "" ? "" : t == "" ? "not measured" : met ? "met" : "**not met**"
}
function lfmt(x, unit) {
  if (x == "") return "—"
  if (unit == "s") return sprintf("%.2f s", x / 1000)
  if (unit == "ms") return sprintf("%.1f ms", x)
  if (unit == "%") return sprintf("%.1f %%", x)
  if (unit == "MiB") return sprintf("%.1f MiB", x / 1024)
  if (unit == "/s") return sprintf("%d/s", x)
  return x
}
function load(   d, t, runtime) {
  d = "daemontools"; t = "dt"
  printf "\n| %d services × %d lines/s into `exec multilog t ./main` | daemontools | dt | dt/daemontools | goal | |\n|---|---|---|---|---|---|\n", LOAD_N, LOAD_RATE
  lrow("scanner started → every log has its first line", "logload_first_ms", "s", "≤ 1.5× daemontools",
    v[t, "logload_first_ms"] <= 1.5 * v[d, "logload_first_ms"])
  lrow("lines the writers wrote in the first 20 s", "logload_early_lps", "/s", "≥ 0.95× daemontools (not held back)",
    v[t, "logload_early_lps"] >= 0.95 * v[d, "logload_early_lps"])
  lrow("steady state: lines written", "logload_produced_lps", "/s", "", 1)
  lrow("… lines logged", "logload_logged_lps", "/s", "≥ 0.98× written",
    v[t, "logload_logged_lps"] >= 0.98 * v[t, "logload_produced_lps"])
  lrow("… CPU of the supervision side (% of a core)", "logload_cpu_pct", "%", "≤ daemontools",
    v[t, "logload_cpu_pct"] <= v[d, "logload_cpu_pct"])
  lrow("… the whole machine busy (% of all cores)", "logload_busy_pct", "%", "", 1)
  lrow("… `svc -t` on a quiet service → new pid, median of 9", "logload_svct_ms", "ms",
    sprintf("≤ 1.5× dt idle (%.1f ms)", 1.5 * v[t, "logload_idle_svct_ms"]),
    v[t, "logload_svct_ms"] <= 1.5 * v[t, "logload_idle_svct_ms"])
  lrow("… `svc -t`, the worst of 9", "logload_svct_max_ms", "ms", "≤ 250 ms", v[t, "logload_svct_max_ms"] <= 250)
  lrow("the writers down: `svc -t` → new pid, median of 9 (idle)", "logload_idle_svct_ms", "ms", "", 1)
  runtime = 35 * 1024
  lrow("steady state: RSS (dt: the scanner)", "logload_rss_kib", "MiB",
    "≤ 128 MiB ceiling + a runtime (35 MiB)", v[t, "logload_rss_kib"] <= 128 * 1024 + runtime)
  lrow("… PSS", "logload_pss_kib", "MiB", "≤ daemontools", v[t, "logload_pss_kib"] <= v[d, "logload_pss_kib"])
  lrow("… processes", "logload_procs", "", "", 1)
}
