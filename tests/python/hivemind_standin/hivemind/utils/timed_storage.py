"""hivemind/utils/timed_storage.py (1.1.12), the parts auth uses: DHT time and a store of keys until an expiration time."""

import contextlib
import time

get_dht_time = time.time  # hivemind's weakly synchronised global time


class TimedStorage:
    """Keys kept until their expiration time; ``freeze()`` stops expiring them for a consistent look (as hivemind's)."""

    frozen = False

    def __init__(self):
        self.data = {}  # key -> (value, expiration_time)

    def _remove_outdated(self):
        if not self.frozen:
            now = get_dht_time()
            for key in [k for k, (_, expiration) in self.data.items() if expiration < now]:
                del self.data[key]

    def store(self, key, value, expiration_time) -> bool:
        if expiration_time < get_dht_time() and not self.frozen:
            return False
        if key in self.data and self.data[key][1] >= expiration_time:
            return False
        self.data[key] = (value, expiration_time)
        self._remove_outdated()
        return True

    def __contains__(self, key):
        self._remove_outdated()
        return key in self.data

    @contextlib.contextmanager
    def freeze(self):
        previous, self.frozen = self.frozen, True
        try:
            yield self
        finally:
            self.frozen = previous
