#!/usr/bin/env python3
"""Start-up time and memory of `inbeeld serve` on an existing database.

Starts the server ten times and measures, from process start, how long until /health/ready answers 200; then requests
the register pages and reads the process's resident memory (VmRSS).

    cargo build --release -p inbeeld
    target/release/inbeeld --database sqlite:///tmp/bench.sqlite demo
    python3 bench/startup.py target/release/inbeeld sqlite:///tmp/bench.sqlite
"""
import subprocess, time, urllib.request, sys, statistics
bin, db = sys.argv[1], sys.argv[2]
times=[]; rss=[]
for i in range(10):
    t0=time.perf_counter()
    p=subprocess.Popen([bin,'--database',db,'serve','--addr','127.0.0.1:8199'],stderr=subprocess.DEVNULL,env={'INBEELD_LOG':'warn'})
    while True:
        try:
            with urllib.request.urlopen('http://127.0.0.1:8199/health/ready',timeout=1) as r:
                if r.status==200: break
        except Exception: time.sleep(0.002)
    times.append(time.perf_counter()-t0)
    for path in ['/','/gemeenten','/gemeenten?datum=2011-01-01','/gemeenten/GM0363','/bouwstenen','/api/v1/organisaties']:
        urllib.request.urlopen('http://127.0.0.1:8199'+path).read()
    rss.append(int(open(f'/proc/{p.pid}/status').read().split('VmRSS:')[1].split()[0]))
    p.terminate(); p.wait()
print(f"ready: median {statistics.median(times)*1000:.0f} ms, max {max(times)*1000:.0f} ms over {len(times)} starts")
print(f"RSS after serving the register pages: median {statistics.median(rss)/1024:.1f} MB, max {max(rss)/1024:.1f} MB")
