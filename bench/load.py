"""Load test of the production web service with signed Alexa requests, on 127.0.0.1 only.

Run from the repository root:

    .venv/bin/python bench/load.py                        # 32 clients for 20 s
    .venv/bin/python bench/load.py --workers 1 --threads 8 --concurrency 64 --seconds 30
    .venv/bin/python bench/load.py --json

What it does:

1. Makes a throwaway CA (bench/alexa_ca.py) in a temporary folder: root, intermediate,
   and a leaf for echo-api.amazon.com.
2. Starts a server in a subprocess (this file with --serve-from): the production app
   (`create_app`) and the production serving code (`skill.web.serving.serve`: gunicorn,
   `--workers` processes of `--threads` threads), with full request verification by a
   verifier of its own that trusts only that root and reads the chain from the temporary
   folder instead of downloading it (bench/alexa_ca.py). The production server has no
   such setting. SQLite persistence goes to the temporary folder; the skill id is the one
   in the envelopes.
3. Waits until every worker process has said it is ready, then runs `--concurrency`
   simulated devices on an asyncio client, each on its own keep-alive connection, each
   playing whole conversations back to back (launch, the psoas explanation, the screening
   with its answers, stop; a new user every few conversations). The devices arrive over
   the first half of the warm-up, not all in one millisecond: gunicorn's workers race to
   accept, so a burst of connections lands mostly on whichever worker wakes first, and
   keep-alive keeps them there for the whole run (measured: one worker of two holding all
   32 connections in some runs). Every request is a fresh envelope with a current
   timestamp, signed with the leaf key. There is no think time: a device sends its next
   request as soon as the answer arrives, which is harsher than real traffic.
4. After `--warmup` seconds (not counted) it measures for `--seconds`, then stops the
   server with SIGTERM and reports throughput, latency percentiles and errors. Latency is
   from writing the request to reading the whole response; signing is not included (Alexa
   signs before it sends).

An error is anything but a 200 with a response envelope: another status, a broken
connection or a request taking longer than --timeout. The goal is reported (zero errors,
p99 under --goal-p99-ms), never used as the exit code.

The client runs on the same machine and needs about 1 ms of CPU per request (0.7 ms of it
RSA signing), so the report gives the CPU time per request of both sides (the server's
with its worker processes) and the load average before the run: other work on the machine
moves every figure. With several worker processes, each keep-alive connection stays with
the worker that accepted it, so how the devices happen to be split between the workers
moves the tail latency too: the report gives each worker's share of the server's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(Path(__file__).resolve().parent)]

from alexa_ca import make_test_ca  # noqa: E402
from turns import CONVERSATION, LAUNCH  # noqa: E402

from skill.local.device import LOCAL_APPLICATION_ID, Device  # noqa: E402
from skill.web.serving import DEFAULT_THREADS, DEFAULT_WORKERS  # noqa: E402

HOST = "127.0.0.1"  # never anything else: this tool only talks to its own server
# A warning (or worse) in the server's log: ours ("WARNING name: ...") or gunicorn's.
WARNING = re.compile(r"^(WARNING|ERROR|CRITICAL) |\[(WARNING|ERROR|CRITICAL)\]")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="measured time in seconds (default 20)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of load before measuring (default 2)")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="simulated devices, one connection each (default 32)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help=f"the server's worker processes (default {DEFAULT_WORKERS})")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"threads per worker process (default {DEFAULT_THREADS})")
    parser.add_argument("--persistence", choices=["sqlite", "none"], default="sqlite",
                        help="the server's PERSISTENCE (default sqlite, in the temp folder)")
    parser.add_argument("--per-user", type=int, default=4,
                        help="conversations per user before a new one (default 4)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds before a request counts as failed (default 10)")
    parser.add_argument("--goal-p99-ms", type=float, default=100.0,
                        help="the p99 latency goal in ms (default 100)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    # The server side, in the subprocess this tool starts: the CA's folder and the port.
    parser.add_argument("--serve-from", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (args.seconds <= 0 or args.concurrency < 1 or args.workers < 1
            or args.threads < 1):
        parser.error("--seconds, --concurrency, --workers and --threads must be positive")
    return args


# --- the server --------------------------------------------------------------------------


def serve_signed(folder: Path, port: int, workers: int, threads: int,
                 persistence: str) -> int:
    """The server side (in the subprocess): the production app with a verifier that trusts
    the test CA in `folder`, served by the production serving code."""
    import logging

    from alexa_ca import CHAIN_PEM, ROOT_PEM, verifier_trusting

    from skill.runtime.settings import Settings
    from skill.web import create_app
    from skill.web.serving import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings(skill_id=LOCAL_APPLICATION_ID, persistence=persistence,
                        db_path=folder / "attributes.sqlite3" if persistence == "sqlite"
                        else None)
    verifier = verifier_trusting(folder / ROOT_PEM, folder / CHAIN_PEM,
                                 skill_id=settings.skill_id)
    return serve(create_app(settings, verifier=verifier), HOST, port, workers=workers,
                 threads=threads)


def start_server(tmp: Path, workers: int, threads: int,
                 persistence: str = "sqlite") -> subprocess.Popen:
    """The server on a free port (port 0: it logs the one it got)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-from", str(tmp),
               "--port", "0", "--workers", str(workers), "--threads", str(threads),
               "--persistence", persistence]
    # Access lines (stdout) and diagnostics (stderr) go to files, read after the run.
    with open(tmp / "access.log", "wb") as out, open(tmp / "server.log", "wb") as err:
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err)


def server_port(log: Path, server: subprocess.Popen, workers: int, seconds: float = 60) -> int:
    """The port the server logged ("serving on http://127.0.0.1:PORT/"), once each of its
    `workers` has logged that it is ready."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text()
        found = re.search(rf"serving on http://{re.escape(HOST)}:(\d+)/", text)
        if found and len(set(re.findall(r"worker (\d+) ready", text))) >= workers:
            return int(found.group(1))
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}:\n"
                               f"{log.read_text()}")
        time.sleep(0.05)
    raise RuntimeError("the server did not log its port and ready workers in time")


async def wait_until_healthy(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            connection = await Connection.open(port)
            try:
                status, _ = await connection.request(b"GET", b"/health", None, {})
            finally:
                connection.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not answer /health in time")


def stop_server(server: subprocess.Popen) -> tuple[int | None, float]:
    """SIGTERM, then the exit status and how long the graceful stop took."""
    started = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    try:
        status = server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        status = None
    return status, time.perf_counter() - started


# --- a small HTTP/1.1 keep-alive client ----------------------------------------------------


class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive connection; the client is kept lean so it does not steal the CPU
    the server needs (both share the machine)."""

    def __init__(self, port: int, reader, writer) -> None:
        self.port = port
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(port, reader, writer)

    async def request(self, method: bytes, path: bytes, body: bytes | None,
                      headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [method + b" " + path + b" HTTP/1.1", b"Host: " + f"{HOST}:{self.port}".encode()]
        lines += [f"{name}: {value}".encode() for name, value in headers.items()]
        if body is not None:
            lines.append(b"Content-Length: " + str(len(body)).encode())
        self.writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + (body or b""))
        status_line = await self.reader.readline()
        if not status_line:
            raise HTTPError("connection closed by the server")
        status = int(status_line.split(b" ", 2)[1])
        length, close = None, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length is None:
            raise HTTPError("response without Content-Length")
        payload = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, payload

    @property
    def closed(self) -> bool:
        return self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


# --- the load ------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.measuring = False
        self.latencies_ms: list[float] = []
        self.by_kind: dict[str, int] = {}
        self.errors: dict[str, int] = {}

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        if not self.measuring:
            return
        if error:
            self.errors[error] = self.errors.get(error, 0) + 1
        else:
            self.latencies_ms.append(seconds * 1000)
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


async def device_loop(port: int, ca, results: Results, stop: asyncio.Event, per_user: int,
                      timeout: float, arrival: float) -> None:
    """One simulated device: it arrives `arrival` seconds in, then plays whole
    conversations back to back until told to stop."""
    connection = None
    conversations = 0
    await asyncio.sleep(arrival)
    while not stop.is_set():
        if conversations % per_user == 0:
            device = Device(application_id=LOCAL_APPLICATION_ID)
        conversations += 1
        for step in CONVERSATION:
            if stop.is_set():
                break
            envelope = device.launch() if step == LAUNCH else device.intent(step)
            body = json.dumps(envelope).encode()
            headers = {"Content-Type": "application/json", **ca.headers(body)}
            kind = envelope["request"]["type"] if step == LAUNCH else step
            started = time.perf_counter()
            error = None
            try:
                if connection is None or connection.closed:
                    connection = await Connection.open(port)
                async with asyncio.timeout(timeout):
                    status, payload = await connection.request(b"POST", b"/", body, headers)
                if status != 200:
                    error = f"HTTP {status}"
                else:
                    response = json.loads(payload)
                    if "response" not in response:
                        error = "no response envelope"
            except (TimeoutError, OSError, HTTPError, asyncio.IncompleteReadError,
                    ValueError) as exc:
                error = type(exc).__name__
                if connection is not None:
                    connection.close()
                connection = None
            results.record(kind, time.perf_counter() - started, error)
            if error:
                device.session_id = None  # start a fresh conversation after a failure
                break
            device.receive(response)
    if connection is not None:
        connection.close()


async def drive(port: int, ca, args, server_pid: int) -> tuple[Results, dict]:
    results, stop = Results(), asyncio.Event()
    arrivals = random.Random(1)  # the same arrival times every run
    devices = [asyncio.create_task(device_loop(port, ca, results, stop, args.per_user,
                                               args.timeout,
                                               arrivals.uniform(0, args.warmup / 2)))
               for _ in range(args.concurrency)]
    await asyncio.sleep(args.warmup)
    results.measuring = True
    started, client_cpu = time.perf_counter(), time.process_time()
    server_cpu = cpu_by_process(server_pid)
    await asyncio.sleep(args.seconds)
    results.measuring = False
    server_after = cpu_by_process(server_pid)
    used = {pid: server_after[pid] - server_cpu.get(pid, 0.0) for pid in server_after}
    workers = sorted((seconds for pid, seconds in used.items() if pid != server_pid),
                     reverse=True)
    all_workers = sum(workers)
    window = {
        "elapsed": time.perf_counter() - started,
        "client_cpu": time.process_time() - client_cpu,
        "server_cpu": sum(used.values()) if used else None,
        "worker_shares": [round(s / all_workers, 3) for s in workers] if all_workers else [],
    }
    stop.set()
    await asyncio.gather(*devices)
    return results, window


def cpu_by_process(pid: int) -> dict[int, float]:
    """User + system CPU time so far of a process and of each of its children (the
    server's worker processes), by process id, from Linux /proc; empty elsewhere."""
    def stat(path: Path) -> list[str] | None:
        try:  # the fields after the command name, which may hold spaces
            return path.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    def seconds(fields: list[str]) -> float:
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    fields = stat(Path(f"/proc/{pid}/stat"))
    if fields is None:
        return {}
    used = {pid: seconds(fields)}
    for path in Path("/proc").glob("[0-9]*/stat"):
        child = stat(path)
        if child is not None and child[1] == str(pid):  # its parent is the server
            used[int(path.parent.name)] = seconds(child)
    return used


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile, rounded to 0.01 ms; None without any value."""
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return round(sorted_values[index], 2)


def access_log_check(path: Path) -> dict:
    """Every access line must be JSON with the expected fields and nothing else."""
    fields = {"time", "method", "path", "status", "duration_ms", "bytes", "remote_addr"}
    lines = bad = 0
    for line in path.read_text().splitlines():
        lines += 1
        try:
            if set(json.loads(line)) != fields:
                bad += 1
        except ValueError:
            bad += 1
    return {"lines": lines, "malformed": bad}


def main(argv=None):
    args = parse_args(argv)
    if args.serve_from is not None:
        return serve_signed(args.serve_from, args.port, args.workers, args.threads,
                            args.persistence)
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ca = make_test_ca(tmp)
        server = start_server(tmp, args.workers, args.threads, args.persistence)
        load_before = os.getloadavg()
        try:
            port = server_port(tmp / "server.log", server, args.workers)
            asyncio.run(wait_until_healthy(port, server))
            results, window = asyncio.run(drive(port, ca, args, server.pid))
        finally:
            exit_status, stop_seconds = stop_server(server)
        server_log = (tmp / "server.log").read_text()
        access = access_log_check(tmp / "access.log")

    latencies = sorted(results.latencies_ms)
    errors = sum(results.errors.values())
    requests = len(latencies) + errors
    p99 = percentile(latencies, 0.99)
    elapsed = window["elapsed"]

    def per_request_ms(seconds):
        return None if seconds is None or not requests else round(seconds / requests * 1000, 3)
    report = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "workers": args.workers,
        "threads": args.threads,
        "persistence": args.persistence,
        "concurrency": args.concurrency,
        "measured_seconds": round(elapsed, 2),
        "warmup_seconds": args.warmup,
        "load_average_before": [round(x, 2) for x in load_before],
        "requests": requests,
        "throughput_rps": round(requests / elapsed, 1),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": p99,
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
        "errors": errors,
        "errors_by_kind": results.errors,
        "requests_by_kind": dict(sorted(results.by_kind.items())),
        "server_cpu_ms_per_request": per_request_ms(window["server_cpu"]),
        "client_cpu_ms_per_request": per_request_ms(window["client_cpu"]),
        "worker_cpu_shares": window["worker_shares"],
        "access_log": access,
        "server_warnings": sum(bool(WARNING.search(line)) for line in server_log.splitlines()),
        "server_exit_status": exit_status,
        "server_stop_seconds": round(stop_seconds, 2),
        "goal": {"errors": 0, "p99_ms_below": args.goal_p99_ms,
                 "met": errors == 0 and p99 is not None and p99 < args.goal_p99_ms},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return report


def print_report(r):
    print(f"Python {r['python']}, {r['cores']} cores, {platform.system()} {platform.machine()}")
    print(f"server: --workers {r['workers']} --threads {r['threads']}, "
          f"persistence {r['persistence']}; "
          f"load: {r['concurrency']} devices, "
          f"{r['measured_seconds']} s measured after {r['warmup_seconds']} s warm-up")
    print(f"requests {r['requests']}  throughput {r['throughput_rps']} req/s  "
          f"errors {r['errors']}")
    print(f"latency ms: p50 {r['p50_ms']}  p90 {r['p90_ms']}  p99 {r['p99_ms']}  "
          f"max {r['max_ms']}  mean {r['mean_ms']}")
    print(f"CPU per request: server {r['server_cpu_ms_per_request']} ms, "
          f"this client {r['client_cpu_ms_per_request']} ms (signing included); "
          f"load average before: {r['load_average_before']}")
    shares = " / ".join(f"{share:.0%}" for share in r["worker_cpu_shares"]) or "unknown"
    print(f"the server's CPU by worker process: {shares}")
    if r["errors_by_kind"]:
        print(f"errors by kind: {r['errors_by_kind']}")
    print(f"access log: {r['access_log']['lines']} lines, "
          f"{r['access_log']['malformed']} malformed; server warnings: {r['server_warnings']}")
    print(f"server stop on SIGTERM: exit status {r['server_exit_status']} "
          f"in {r['server_stop_seconds']} s")
    goal = r["goal"]
    print(f"goal (0 errors, p99 < {goal['p99_ms_below']:g} ms): "
          f"{'met' if goal['met'] else 'NOT met'}")


if __name__ == "__main__":
    outcome = main()
    if isinstance(outcome, int):  # the server side: its exit status
        sys.exit(outcome)
