"""A hello-world ask-sdk skill, built the way the SDK samples build theirs.

The reference point for bench/turns.py: the least a custom skill on ask-sdk
can do per request. Any IntentRequest gets "Hello world" and a question, so
it answers every turn of the benchmark's conversation.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type

QUESTION = "Would you like to hear it again?"


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return (handler_input.response_builder
                .speak("Welcome. Say hello.").ask("Say hello.").response)


class HelloWorldIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return (handler_input.response_builder
                .speak(f"Hello world. {QUESTION}").ask(QUESTION).response)


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelloWorldIntentHandler())
sb.add_request_handler(SessionEndedRequestHandler())

# As in the SDK samples. Note: the SDK's wrapper builds a new CustomSkill on
# every call, then deserializes the envelope, invokes and serializes.
lambda_handler = sb.lambda_handler()
