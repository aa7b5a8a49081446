"""The app uvicorn serves (`jingwang serve`): the store named by $JINGWANG_DB.  Escalation of
overdue clues runs in the `serve` process itself, once, not in each worker."""

import sys

from jingwang.api.app import create_app

# The event loop thread, which reads requests and writes answers, waits for the GIL behind the
# threads running routes; at CPython's default 5 ms switch interval that wait made most of the
# tail under a paced load of 50 clients (a one-off comparison; benchmarks/api.py measures the
# result).
sys.setswitchinterval(0.0005)

app = create_app()
