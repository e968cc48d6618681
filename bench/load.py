"""HTTP load generator and gunicorn helpers shared by the benchmarks (no Django here).

`drive()` runs the load from separate client processes (`python bench/load.py --client …`,
each with threads holding keep-alive http.client connections; a connection the server closes
is reopened and the reconnect counted in that request's latency) and returns requests/s,
p50, p90, p99 and the error count of the measured window. `start_server()` / `stop_server()`
run a server command on a loopback port until it answers a health path;
`worker_rss_mb()` reads the peak RSS (VmHWM) of a gunicorn master's worker processes.
"""

import argparse
import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- the client side (runs in its own processes) -----------------------------------------


def _worker_thread(port, paths, headers, start_at, measure_from, stop_at, out):
    latencies, errors, statuses, reconnects = [], 0, {}, 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        now = time.time()
        if now >= stop_at:
            break
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()  # the next request reconnects (http.client auto_open)
                reconnects += 1
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if now >= measure_from:
                errors += 1
            continue
        elapsed = time.perf_counter() - t0
        if now >= measure_from:
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                latencies.append(elapsed)
            else:
                errors += 1
    conn.close()
    out.append((latencies, errors, statuses, reconnects))


def run_client(port, paths, headers, threads, start_at, measure_from, stop_at) -> dict:
    """One client process: `threads` connections; returns the raw measurements."""
    out: list = []
    pool = [
        threading.Thread(
            target=_worker_thread,
            args=(port, paths, headers, start_at, measure_from, stop_at, out),
        )
        for _ in range(threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    statuses: dict[str, int] = {}
    for _l, _e, s, _r in out:
        for k, v in s.items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    return {
        "latencies": [x for lat, _e, _s, _r in out for x in lat],
        "errors": sum(e for _l, e, _s, _r in out),
        "statuses": statuses,
        "reconnects": sum(r for _l, _e, _s, r in out),
    }


# --- the parent side ------------------------------------------------------------------------


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of an already sorted list (None when empty)."""
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def drive(port, paths, headers, *, concurrency, processes, seconds, warmup) -> dict:
    """Drive `paths` (round robin) with `concurrency` connections from `processes` client
    processes for `warmup` + `seconds`; returns the figures of the measured `seconds`."""
    processes = max(1, min(processes, concurrency))
    shares = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    start_at = time.time() + 1.5  # let every process start before the clock starts
    measure_from = start_at + warmup
    stop_at = measure_from + seconds
    spec = {"port": port, "paths": paths, "headers": headers}
    spec |= {"start_at": start_at, "measure_from": measure_from, "stop_at": stop_at}
    clients = []
    for n in shares:
        args = [
            sys.executable,
            str(HERE / "load.py"),
            "--client",
            json.dumps({**spec, "threads": n}),
        ]
        clients.append(subprocess.Popen(args, stdout=subprocess.PIPE, text=True))
    results = []
    for proc in clients:
        out, _ = proc.communicate(timeout=seconds + warmup + 120)
        if proc.returncode != 0:
            raise RuntimeError(f"load client exited with {proc.returncode}")
        results.append(json.loads(out))
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: dict[str, int] = {}
    for r in results:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    ms = 1000.0

    def pct(fraction):
        value = percentile(latencies, fraction)
        return round(value * ms, 3) if value is not None else None

    return {
        "requests": len(latencies),
        "errors": sum(r["errors"] for r in results),
        "reconnects": sum(r["reconnects"] for r in results),
        "statuses": statuses,
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "mean_ms": round(sum(latencies) / len(latencies) * ms, 3) if latencies else None,
        "concurrency": concurrency,
        "client_processes": processes,
        "seconds": seconds,
        "warmup": warmup,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, headers=None, timeout=5.0):
    """One GET on a fresh connection: (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(argv, *, env, cwd, port, log_path, health="/api/v1/ping", timeout=90):
    """Start `argv` (a server on `port`), wait until `health` answers 200; (proc, log)."""
    log = open(log_path, "w")  # noqa: SIM115 - closed by stop_server
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
        try:
            if get(port, health)[0] == 200:
                return proc, log
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc, log)
    raise RuntimeError(f"server did not answer {health} within {timeout} s; see {log_path}")


def stop_server(proc, log) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (gunicorn's workers for its master)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return sorted(out)


def status_kb(pid: int, field: str) -> int | None:
    """A field of /proc/<pid>/status in kB (VmHWM = peak RSS, VmRSS = current)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def worker_rss_mb(master_pid: int) -> dict[str, float]:
    """{worker pid: peak RSS in MB} of the gunicorn master's workers, read now."""
    out = {}
    for pid in children(master_pid):
        kb = status_kb(pid, "VmHWM")
        if kb is not None:
            out[str(pid)] = round(kb / 1024, 1)
    return out


def _client_main(spec_json: str) -> None:
    spec = json.loads(spec_json)
    result = run_client(
        spec["port"],
        spec["paths"],
        spec["headers"],
        spec["threads"],
        spec["start_at"],
        spec["measure_from"],
        spec["stop_at"],
    )
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="load generator client (used by drive())")
    parser.add_argument("--client", required=True, help="JSON spec")
    _client_main(parser.parse_args().client)
