from .timed_storage import get_dht_time  # noqa: F401
