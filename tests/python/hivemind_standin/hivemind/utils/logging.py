"""hivemind.utils.logging.get_logger: a logger under hivemind's name."""

import logging as _logging


def get_logger(name=None):
    return _logging.getLogger(name)
