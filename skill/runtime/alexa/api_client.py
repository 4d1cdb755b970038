"""The HTTP client of Alexa's REST APIs (reminders, device settings): the SDK's own
DefaultApiClient, with a time limit, loaded when a request first calls an API.

DefaultApiClient sends with `requests`, which takes longer to import than the rest of the
skill, and most requests never call an API: so it is imported on first use, not at cold
start. It also sends with no timeout at all, and a call that hangs would use up the eight
seconds Alexa waits for a reply: each call here gives up after `timeout` seconds (then the
SDK raises its ServiceException, as for any failed call). Everything else (HTTPS only,
headers, body, reading the response) is DefaultApiClient's own.
"""

from ask_sdk_model.services import ApiClient


class AlexaApiClient(ApiClient):
    """An ApiClient for the skill builder (`CustomSkillBuilder(api_client=...)`)."""

    def __init__(self, timeout):
        self.timeout = timeout
        self._client = None

    def invoke(self, request):
        if self._client is None:
            from skill.runtime.alexa.timed_client import TimedApiClient

            self._client = TimedApiClient(self.timeout)
        return self._client.invoke(request)
