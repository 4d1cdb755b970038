"""Request and response interceptors.

Logging names the request kind and intent only: never slot values or
attributes, which may hold a person's screening answers.
"""

import logging

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)

log = logging.getLogger(__name__)

LAST_RESPONSE_KEY = "last_response"


class RequestLogger(AbstractRequestInterceptor):
    def process(self, handler_input):
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        log.info("request %s%s", request.object_type, f" {intent}" if intent else "")


class LastResponseKeeper(AbstractResponseInterceptor):
    """Keeps the last spoken response in the session so Repeat can say it again."""

    def process(self, handler_input, response):
        if handler_input.request_envelope.session is None or response is None:
            return  # sessionless requests (audio events) have no attributes
        speech, reprompt = response.output_speech, response.reprompt
        if speech is None or reprompt is None:
            return
        handler_input.attributes_manager.session_attributes[LAST_RESPONSE_KEY] = {
            "speech": speech.ssml,
            "reprompt": reprompt.output_speech.ssml,
        }
