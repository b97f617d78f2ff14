#!/usr/bin/env python3
"""Reads a dotnet-trace speedscope file (dotnet-trace convert --format speedscope) and prints where *running* threads
were: samples whose innermost .NET frame is a wait (blocked thread-pool workers, idle timers, socket polls) are dropped,
and what is left is shared out by inclusive frame. Usage: busy-frames.py trace.speedscope.json [top N] [filter regex]"""
import json, re, sys, collections

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
pattern = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
WAIT = re.compile(r"Wait|Sleep|LowLevelLifoSemaphore|SpinWait|Monitor\.Enter|epoll|Interop\+Sys\.(Read|WaitForSocketEvents|Poll)|"
                  r"ThreadNative|Thread\.Sleep|Timer.*Run|SocketAsyncEngine\.EventLoop|Missing Symbol|Thread\.StartCallback$|UNMANAGED_CODE_TIME")
doc = json.load(open(path))
names = [f["name"] for f in doc["shared"]["frames"]]
busy = collections.Counter()
total = running = 0
for profile in doc["profiles"]:  # "evented": open/close events per thread; each interval is charged to the open stack
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and stack and event["at"] > last:
            weight = event["at"] - last
            total += weight
            if not WAIT.search(names[stack[-1]]):
                running += weight
                for frame in set(names[i] for i in stack):
                    busy[frame] += weight
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()
print(f"running samples: {running / max(total, 1):.1%} of all thread samples")
for frame, weight in busy.most_common():
    if pattern and not pattern.search(frame):
        continue
    print(f"{weight / max(running, 1):7.1%}  {frame[:140]}")
    top -= 1
    if top == 0:
        break
