"""Posts exactly 100,000 contribution reports (100 batches of 1,000) for the bench: 100 peers, each report a millisecond
of work by its own figures (samples ÷ samples/s), so honest peers stay within their time budget.

Usage: post_reports.py URL SERVICE_KEY PEER_PREFIX FIRST_STEP INFLATED_PEERS
The last INFLATED_PEERS of the 100 peers claim 1,000 times the others' rate (their reports get clipped).
"""
import json
import sys
import time
import urllib.request

url, key, prefix, first_step, inflated = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
start = time.time() - 2 * 86400
for batch in range(100):
    reports = [{"peer_public_key": (prefix + "%03d" % p).ljust(43, "x"), "step": first_step + batch * 10 + s,
                "samples": 1_000_000 if p >= 100 - inflated else 100 + p,
                "samples_per_second": (100.0 + p) * 1000 * (1000 if p >= 100 - inflated else 1), "mini_steps": 4,
                "loss": 2.4, "time": start + batch * 10 + s}
               for s in range(10) for p in range(100)]
    request = urllib.request.Request(url, json.dumps({"reports": reports}).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    assert json.load(urllib.request.urlopen(request))["stored"] == 1000
