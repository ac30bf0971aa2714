#!/usr/bin/env python3
"""Edit-to-reload latency of `handoff serve` on a generated corpus (SPEC §12).

    python3 bench/serve-latency.py N [EDITS]        (default EDITS=15)
    python3 bench/serve-latency.py example [EDITS]  the example site instead

Uses the corpus of bench/compare.sh (target/bench/N/handoff; generated here
with bench/gen-corpus.py when missing), or the example site at the
repository root (about 70 pages: the everyday case of one practice), on a
copy, starts the release binary
`handoff serve`, listens to its Server-Sent Events, and for each kind of edit
writes one file EDITS times, timing from the write to the `reload` event
(the browser's view: includes the 30 ms debounce of editor saves) and
reading the server's own "Rebuilt in X ms" line (the rebuild alone, from the
debounced change event to the reload sent). Prints medians per kind.

The event stream names the page a browser would show for the edit (the
reason page, the service page), as the injected reload script does: serve
renders the open pages first and reloads them before the rest of the pages
an edit touches. After each reload the page is fetched and must show the
edit: "write→page" is what the person at the browser waits, "all pages"
the server's time until every page the edit touched is rendered.
"""

import urllib.request

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Events:
    """A minimal SSE reader on a raw socket: event names with arrival times."""

    def __init__(self, port, page):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(
            f"GET /_handoff/events?page={page} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        self.events = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            now = time.monotonic()
            buf += data
            for m in re.finditer(rb"event: ?([a-z]+)", data):
                with self.cond:
                    self.events.append((m.group(1).decode(), now))
                    self.cond.notify_all()

    def wait(self, after, names, limit=60.0):
        deadline = time.monotonic() + limit
        with self.cond:
            while True:
                for name, t in self.events:
                    if t >= after and name in names:
                        return name, t
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {names} event within {limit} s")
                self.cond.wait(left)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    n = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    binary = os.path.join(REPO, "target/release/handoff")
    site = os.path.join(REPO, f"target/bench/serve-{n}")
    shutil.rmtree(site, ignore_errors=True)
    if n == "example":
        os.makedirs(site)
        shutil.copy(os.path.join(REPO, "site.toml"), site)
        for folder in ["content", "static", "themes", "templates"]:
            if os.path.isdir(os.path.join(REPO, folder)):
                shutil.copytree(os.path.join(REPO, folder), os.path.join(site, folder))
    else:
        corpus = os.path.join(REPO, f"target/bench/{int(n)}")
        if not os.path.isdir(os.path.join(corpus, "handoff")):
            subprocess.run([sys.executable, os.path.join(REPO, "bench/gen-corpus.py"), str(int(n)), corpus], check=True)
        shutil.copytree(os.path.join(corpus, "handoff"), site)

    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        [binary, "--root", site, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []

    def pump():
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip()))

    threading.Thread(target=pump, daemon=True).start()
    while not any("Serving the site" in l for _, l in lines):
        if proc.poll() is not None:
            sys.exit("serve exited:\n" + "\n".join(l for _, l in lines))
        time.sleep(0.05)
    startup = time.monotonic() - started

    referrals = sorted(os.listdir(os.path.join(site, "content/referrals")))
    services = sorted(os.listdir(os.path.join(site, "content/services")))
    checklists = sorted(os.listdir(os.path.join(site, "content/checklists")))
    reason = os.path.join(site, "content/referrals", [f for f in referrals if not f.startswith("_")][len(referrals) // 2])
    service = os.path.join(site, "content/services", [f for f in services if not f.startswith("_")][len(services) // 2])
    checklist = os.path.join(site, "content/checklists", checklists[0])

    # Each edit with the words the page shows once it took.
    def body_edit(path, i):
        text = open(path).read()
        return text + f"\nAn added sentence, edit {i}.\n", f"edit {i}."

    def title_edit(path, i):
        return re.sub(r"(?m)^title: (.*?)( \(rev \d+\))?$", lambda m: f"title: {m.group(1)} (rev {i})", open(path).read(), count=1), f"(rev {i})"

    # The corpus quotes descriptions and labels; the example site does not.
    def description_edit(path, i):
        return re.sub(r'(?m)^description: ("?)(Rev \d+\. )?', lambda m: f'description: {m.group(1)}Rev {i}. ', open(path).read(), count=1), f"Rev {i}. "

    def label_edit(path, i):
        return re.sub(r'(?m)^    label: ("?)(Rev \d+ )?', lambda m: f'    label: {m.group(1)}Rev {i} ', open(path).read(), count=1), f"Rev {i} "

    def page_of(section, path):
        return f"/{section}/{os.path.splitext(os.path.basename(path))[0]}/"

    # The page that shows the edited checklist: the first service line or
    # reason that names it; else (the corpus's base checklist, which every
    # other extends) the reason page.
    def shows_checklist(path):
        cid = os.path.splitext(os.path.basename(path))[0]
        for section in ["services", "referrals"]:
            for f in sorted(os.listdir(os.path.join(site, "content", section))):
                file = os.path.join(site, "content", section, f)
                if f.endswith(".md") and re.search(rf"(?m)^checklist: \"?{re.escape(cid)}\"?$", open(file).read()):
                    return page_of(section, file)
        return page_of("referrals", reason)

    kinds = [
        ("reason page, Markdown body", reason, body_edit, page_of("referrals", reason)),
        ("reason page, front matter title", reason, title_edit, page_of("referrals", reason)),
        ("service page, front matter description", service, description_edit, page_of("services", service)),
        ("checklist item label", checklist, label_edit, shows_checklist(checklist)),
    ]
    results = []
    for label, path, edit, page in kinds:
        client, shown, server, rendered = [], [], [], []
        events = Events(port, page)
        time.sleep(0.5)
        for i in range(runs):
            text, words = edit(path, i)
            seen = len(lines)
            with open(path, "w") as f:
                f.write(text)
            t0 = time.monotonic()
            _, t1 = events.wait(t0, {"reload", "failed"})
            client.append((t1 - t0) * 1000)
            # What the browser does on `reload`: ask for the page again.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}") as r:
                html = r.read().decode()
            t2 = time.monotonic()
            if words not in html.replace("&#39;", "'").replace("&quot;", '"'):
                sys.exit(f"{label}: {page} does not show {words!r} after the reload")
            shown.append((t2 - t0) * 1000)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                found = [l for _, l in lines[seen:] if "Rebuilt in" in l]
                if found:
                    m = re.search(r"Rebuilt in ([\d.]+) ms \((\d+) page", found[-1])
                    server.append(float(m.group(1)))
                    rendered.append(int(m.group(2)))
                    break
                time.sleep(0.005)
            time.sleep(0.2)
        events.sock.close()
        results.append((label, statistics.median(client), statistics.median(shown), statistics.median(server) if server else float("nan"), statistics.median(rendered) if rendered else 0))

    proc.terminate()
    proc.wait(timeout=10)
    cpu = os.cpu_count()
    corpus = "the example site" if n == "example" else f"N={n}"
    print(f"machine: {cpu} cores; corpus: {corpus} ({site}); serve startup (first build in memory): {startup:.1f} s")
    print(f"{runs} edits per kind, medians:")
    print(f"{'edit':42} {'write→reload (ms)':>18} {'write→page (ms)':>16} {'all pages (ms)':>15} {'pages rendered':>15}")
    for label, c, p, s, r in results:
        print(f"{label:42} {c:18.1f} {p:16.1f} {s:15.1f} {r:15.0f}")


if __name__ == "__main__":
    main()
