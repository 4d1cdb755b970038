"""DefaultApiClient with a timeout on every call (imported on first use: see api_client)."""

import functools

from ask_sdk_core.api_client import DefaultApiClient


class TimedApiClient(DefaultApiClient):
    def __init__(self, timeout):
        self.timeout = timeout

    def _resolve_method(self, request):
        # DefaultApiClient calls requests.<method>(url=..., headers=..., data=...): the
        # same call, bounded.
        return functools.partial(super()._resolve_method(request), timeout=self.timeout)
